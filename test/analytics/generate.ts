/**
 * Generated shop history for analytics tests: customers, conversations with messages, orders
 * (some cancelled), events and model traces over several weeks before a fixed "now", from a
 * seeded PRNG so every run is the same. Rows are inserted directly (bulk) and also returned as
 * plain JS objects, so the test can compute every figure independently of the SQL.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../../src/db/client.js";
import {
  agentEvents,
  conversations,
  llmTraces,
  messages,
  orders,
  userProfiles,
} from "../../src/db/schema.js";

export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PRODUCTS = [
  { name: "Alpha Kush", cents: 35000 },
  { name: "Bravo Haze", cents: 42050 },
  { name: "Charlie Gelato", cents: 29999 },
  { name: "Delta Diesel", cents: 51000 },
  { name: "Echo Runtz", cents: 18075 },
  { name: "Foxtrot Cake", cents: 60000 },
];

export interface GenProfile {
  id: string;
  firstVisit: Date;
}
export interface GenConversation {
  id: string;
  profileId: string;
  startedAt: Date;
  lastMessageAt: Date;
  messageCount: number;
  rating: number | null;
}
export interface GenMessage {
  conversationId: string;
  profileId: string;
  role: "user" | "assistant";
  createdAt: Date;
}
export interface GenOrder {
  id: string;
  profileId: string;
  conversationId: string | null;
  status: string;
  createdAt: Date;
  totalCents: number;
  lines: Array<{ name: string; quantity: number; totalCents: number }>;
}
export interface GenEvent {
  type: string;
  profileId: string;
  createdAt: Date;
}
export interface GenTrace {
  latency: number;
  status: string;
  costMicros: number;
  createdAt: Date;
}

export interface Generated {
  profiles: GenProfile[];
  conversations: GenConversation[];
  messages: GenMessage[];
  orders: GenOrder[];
  events: GenEvent[];
  traces: GenTrace[];
}

const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
const micros = (m: number) => `${Math.floor(m / 1e6)}.${String(m % 1e6).padStart(6, "0")}`;

async function insertChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, size = 500) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/** `customers` customers over `days` days before `now`, skewed towards recent days. */
export async function generateShop(
  db: Db,
  opts: { now: Date; customers: number; days: number; seed: number },
): Promise<Generated> {
  const rnd = prng(opts.seed);
  const nowMs = opts.now.getTime();
  const span = opts.days * 86_400_000;
  // Squared: more activity near "now", so today's and yesterday's figures are not empty.
  const pastTime = (notBefore = nowMs - span) => {
    const t = nowMs - rnd() ** 2 * span;
    return new Date(Math.max(notBefore, Math.floor(t / 1000) * 1000));
  };
  const g: Generated = { profiles: [], conversations: [], messages: [], orders: [], events: [], traces: [] };
  for (let i = 0; i < opts.customers; i++) {
    const p: GenProfile = { id: randomUUID(), firstVisit: pastTime() };
    g.profiles.push(p);
    const nConv = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < nConv; k++) {
      const startedAt = k === 0 ? p.firstVisit : pastTime(p.firstVisit.getTime());
      const pairs = 1 + Math.floor(rnd() * 6);
      const conv: GenConversation = {
        id: randomUUID(),
        profileId: p.id,
        startedAt,
        lastMessageAt: startedAt,
        messageCount: pairs * 2,
        rating: rnd() < 0.3 ? 1 + Math.floor(rnd() * 5) : null,
      };
      g.events.push({ type: "session_start", profileId: p.id, createdAt: startedAt });
      let t = startedAt.getTime();
      for (let m = 0; m < pairs; m++) {
        t = Math.min(nowMs, t + Math.floor(rnd() * 300) * 1000);
        g.messages.push({ conversationId: conv.id, profileId: p.id, role: "user", createdAt: new Date(t) });
        g.events.push({ type: "chat_message", profileId: p.id, createdAt: new Date(t) });
        t = Math.min(nowMs, t + Math.floor(rnd() * 10) * 1000);
        g.messages.push({
          conversationId: conv.id,
          profileId: p.id,
          role: "assistant",
          createdAt: new Date(t),
        });
        g.traces.push({
          latency: 100 + Math.floor(rnd() * 3000),
          status: rnd() < 0.06 ? "ERROR" : "SUCCESS",
          costMicros: Math.floor(rnd() * 5000),
          createdAt: new Date(t),
        });
        if (rnd() < 0.25) g.events.push({ type: "product_view", profileId: p.id, createdAt: new Date(t) });
        if (rnd() < 0.05) g.events.push({ type: "product_click", profileId: p.id, createdAt: new Date(t) });
      }
      conv.lastMessageAt = new Date(t);
      g.conversations.push(conv);
      if (rnd() < 0.45) {
        g.events.push({ type: "order_attempt", profileId: p.id, createdAt: conv.lastMessageAt });
        if (rnd() < 0.8) {
          const lines = PRODUCTS.filter(() => rnd() < 0.35).map((prod) => {
            const quantity = 1 + Math.floor(rnd() * 20);
            return { name: prod.name, quantity, totalCents: prod.cents * quantity };
          });
          if (lines.length === 0) {
            const prod = PRODUCTS[Math.floor(rnd() * PRODUCTS.length)]!;
            lines.push({ name: prod.name, quantity: 1, totalCents: prod.cents });
          }
          const fee = rnd() < 0.5 ? 10000 : 0;
          const r = rnd();
          const status = r < 0.2 ? "cancelled" : r < 0.5 ? "pending" : r < 0.75 ? "confirmed" : "completed";
          g.orders.push({
            id: randomUUID(),
            profileId: p.id,
            conversationId: rnd() < 0.9 ? conv.id : null,
            status,
            createdAt: conv.lastMessageAt,
            totalCents: lines.reduce((s, l) => s + l.totalCents, 0) + fee,
            lines,
          });
          g.events.push({ type: "order_success", profileId: p.id, createdAt: conv.lastMessageAt });
        }
      }
    }
  }

  await insertChunks(g.profiles, (c) =>
    db.insert(userProfiles).values(
      c.map((p) => ({
        id: p.id,
        userId: `u_${p.id}`,
        createdAt: p.firstVisit,
        firstVisit: p.firstVisit,
        lastVisit: p.firstVisit,
      })),
    ),
  );
  await insertChunks(g.conversations, (c) =>
    db.insert(conversations).values(
      c.map((cv) => ({
        id: cv.id,
        userProfileId: cv.profileId,
        startedAt: cv.startedAt,
        lastMessageAt: cv.lastMessageAt,
        messageCount: cv.messageCount,
        userSatisfaction: cv.rating,
      })),
    ),
  );
  await insertChunks(g.messages, (c) =>
    db.insert(messages).values(
      c.map((m) => ({
        conversationId: m.conversationId,
        userProfileId: m.profileId,
        role: m.role,
        content: m.role === "user" ? "hi" : "hello",
        createdAt: m.createdAt,
      })),
    ),
  );
  await insertChunks(g.orders, (c) =>
    db.insert(orders).values(
      c.map((o, i) => ({
        id: o.id,
        orderNumber: `TEST-${o.id.slice(0, 8)}-${i}`,
        userProfileId: o.profileId,
        conversationId: o.conversationId,
        status: o.status,
        items: o.lines.map((l) => ({
          product_name: l.name,
          quantity: l.quantity,
          total_price: cents(l.totalCents),
        })),
        subtotal: cents(o.totalCents),
        totalAmount: cents(o.totalCents),
        contactInfo: { phone: "+66000000000" },
        paymentMethod: "cash",
        createdAt: o.createdAt,
        updatedAt: o.createdAt,
      })),
    ),
  );
  await insertChunks(g.events, (c) =>
    db
      .insert(agentEvents)
      .values(c.map((e) => ({ eventType: e.type, userProfileId: e.profileId, createdAt: e.createdAt }))),
  );
  await insertChunks(g.traces, (c) =>
    db.insert(llmTraces).values(
      c.map((t) => ({
        traceId: randomUUID(),
        nodeName: "agent",
        status: t.status,
        latencyMs: t.latency,
        cost: micros(t.costMicros),
        modelName: "test",
        createdAt: t.createdAt,
      })),
    ),
  );
  return g;
}

export { cents as formatCents, micros as formatMicros };
