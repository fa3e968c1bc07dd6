/**
 * Every analytics figure on generated data (300 customers, ~600 conversations, orders, events,
 * traces over 21 days) checked against a plain-JS computation over the generated rows, in
 * several shop time zones, with a fixed clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import * as analytics from "../../src/services/analytics.js";
import { updateSettings } from "../../src/services/settings.js";
import { createTestApp, staffAuth } from "../helpers/app.js";
import { formatCents, formatMicros, type Generated, generateShop } from "./generate.js";

const NOW = new Date("2025-03-15T10:17:00Z");
const DAY = 86_400_000;
const ZONES = ["Asia/Bangkok", "America/Los_Angeles", "Pacific/Kiritimati", "UTC"];

/** Independent of the SQL: the calendar date of an instant in a zone, by Intl. */
function ymd(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(d);
}
function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
/** a/b*100 rounded half-up to one decimal, by integer arithmetic. */
function pct(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a * 1000) / b) / 10;
}
const avgRound = (sum: number, n: number, digits: number) =>
  n === 0 ? 0 : Math.round((sum * 10 ** digits) / n) / 10 ** digits;

function expectedToday(g: Generated, tz: string) {
  const today = ymd(NOW, tz);
  const live = g.orders.filter((o) => o.status !== "cancelled");
  const todays = live.filter((o) => ymd(o.createdAt, tz) === today);
  const revenue = todays.reduce((s, o) => s + o.totalCents, 0);
  const convToday = g.conversations.filter((c) => ymd(c.startedAt, tz) === today);
  const converted = convToday.filter((c) => live.some((o) => o.conversationId === c.id)).length;
  const first = new Map(g.profiles.map((p) => [p.id, ymd(p.firstVisit, tz)]));
  const returning = new Set(
    g.conversations
      .filter((c) => ymd(c.lastMessageAt, tz) >= today && ymd(c.startedAt, tz) <= today)
      .filter((c) => (first.get(c.profileId) ?? "") < today)
      .map((c) => c.profileId),
  );
  return {
    total_orders: todays.length,
    total_revenue: formatCents(revenue),
    total_conversations: convToday.length,
    conversion_rate: pct(converted, convToday.length).toFixed(1),
    avg_order_value: formatCents(todays.length === 0 ? 0 : Math.round(revenue / todays.length)),
    new_users: g.profiles.filter((p) => ymd(p.firstVisit, tz) === today).length,
    returning_users: returning.size,
    date: today,
    timeZone: tz,
  };
}

function expectedTopProducts(g: Generated, daysBack: number, limit: number) {
  const since = NOW.getTime() - daysBack * DAY;
  const by = new Map<string, { orders: number; qty: number; cents: number }>();
  for (const o of g.orders) {
    if (o.status === "cancelled" || o.createdAt.getTime() < since) continue;
    for (const l of o.lines) {
      const s = by.get(l.name) ?? { orders: 0, qty: 0, cents: 0 };
      by.set(l.name, { orders: s.orders + 1, qty: s.qty + l.quantity, cents: s.cents + l.totalCents });
    }
  }
  return [...by.entries()]
    .sort((a, b) => b[1].orders - a[1].orders || b[1].cents - a[1].cents || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([name, s]) => ({
      product_name: name,
      order_count: s.orders,
      total_quantity: s.qty,
      total_revenue: formatCents(s.cents),
    }));
}

function expectedDaily(g: Generated, tz: string, days: number) {
  const today = ymd(NOW, tz);
  return Array.from({ length: days }, (_, i) => shiftDate(today, i - days + 1)).map((date) => {
    const os = g.orders.filter((o) => o.status !== "cancelled" && ymd(o.createdAt, tz) === date);
    return { date, orders: os.length, revenue: formatCents(os.reduce((s, o) => s + o.totalCents, 0)) };
  });
}

function expectedEngagement(g: Generated) {
  const now = NOW.getTime();
  const active = (days: number) =>
    new Set(
      g.messages
        .filter(
          (m) =>
            m.role === "user" && m.createdAt.getTime() > now - days * DAY && m.createdAt.getTime() <= now,
        )
        .map((m) => m.profileId),
    ).size;
  const sessions = g.conversations.filter(
    (c) => c.startedAt.getTime() > now - 30 * DAY && c.startedAt.getTime() <= now,
  );
  const secs = sessions.reduce((s, c) => s + (c.lastMessageAt.getTime() - c.startedAt.getTime()) / 1000, 0);
  return {
    dailyActiveUsers: active(1),
    weeklyActiveUsers: active(7),
    monthlyActiveUsers: active(30),
    avgSessionDuration: avgRound(secs, sessions.length, 0),
    avgMessagesPerSession: avgRound(
      sessions.reduce((s, c) => s + c.messageCount, 0),
      sessions.length,
      1,
    ),
  };
}

function expectedAi(g: Generated, tz: string) {
  const now = NOW.getTime();
  const in30 = (d: Date) => d.getTime() > now - 30 * DAY && d.getTime() <= now;
  const traces = g.traces.filter((t) => in30(t.createdAt));
  const rated = g.conversations.filter((c) => c.rating !== null && in30(c.startedAt));
  const today = ymd(NOW, tz);
  return {
    totalMessages: g.messages.filter((m) => m.role === "assistant" && in30(m.createdAt)).length,
    avgResponseTime: avgRound(
      traces.reduce((s, t) => s + t.latency, 0),
      traces.length,
      0,
    ),
    errorRate: pct(traces.filter((t) => t.status === "ERROR").length, traces.length),
    satisfactionScore:
      rated.length === 0
        ? null
        : avgRound(
            rated.reduce((s, c) => s + (c.rating ?? 0), 0),
            rated.length,
            1,
          ),
    ratingsCount: rated.length,
    totalCost: formatMicros(traces.reduce((s, t) => s + t.costMicros, 0)),
    costToday: formatMicros(
      traces.filter((t) => ymd(t.createdAt, tz) === today).reduce((s, t) => s + t.costMicros, 0),
    ),
  };
}

function expectedFunnel(g: Generated, tz: string, from: string, to: string) {
  const users = (types: string[]) =>
    new Set(
      g.events
        .filter((e) => types.includes(e.type))
        .filter((e) => {
          const d = ymd(e.createdAt, tz);
          return d >= from && d <= to;
        })
        .map((e) => e.profileId),
    ).size;
  const counts = [
    users(["session_start"]),
    users(["chat_message"]),
    users(["product_view", "product_click"]),
    users(["order_attempt"]),
    users(["order_success"]),
  ];
  return counts;
}

describe("analytics on generated data", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let g: Generated;
  const clock = fixedClock(NOW);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    g = await generateShop(t.deps.db, { now: NOW, customers: 300, days: 21, seed: 20250315 });
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it("generated enough to mean something", () => {
    expect(g.profiles.length).toBe(300);
    expect(g.conversations.length).toBeGreaterThan(450);
    expect(g.orders.length).toBeGreaterThan(100);
    expect(g.orders.some((o) => o.status === "cancelled")).toBe(true);
    // Today is not empty in any zone, so the checks below compare real figures.
    for (const tz of ZONES) {
      const today = expectedToday(g, tz);
      expect(today.total_orders, tz).toBeGreaterThan(0);
      expect(today.returning_users, tz).toBeGreaterThan(0);
      expect(today.new_users, tz).toBeGreaterThan(0);
    }
  });

  for (const tz of ZONES) {
    describe(`shop time zone ${tz}`, () => {
      beforeAll(async () => {
        await updateSettings(t.deps, { timeZone: tz }, "test");
        await t.deps.cache.deleteByPrefix("analytics:");
      });

      it("today's metrics match, in the shop's day", async () => {
        const want = expectedToday(g, tz);
        expect(want.total_conversations).toBeGreaterThan(0);
        expect(await analytics.getTodayMetrics(t.deps)).toEqual(want);
      });

      it("daily orders and revenue match for 10 shop-local days (zero days included)", async () => {
        expect(await analytics.getDailyRevenue(t.deps, 10)).toEqual(expectedDaily(g, tz, 10));
      });

      it("the funnel matches for the last 7 shop-local days", async () => {
        const to = ymd(NOW, tz);
        const from = shiftDate(to, -6);
        const f = await analytics.getConversionFunnel(t.deps, { startDate: from, endDate: to });
        const want = expectedFunnel(g, tz, from, to);
        expect(f.steps.map((s) => s.count)).toEqual(want);
        expect(f.steps.map((s) => s.step)).toEqual([
          "session",
          "chat",
          "product_view",
          "order_attempt",
          "order",
        ]);
        expect(f.steps[2]?.rate).toBe(pct(want[2]!, want[1]!));
        expect(f.conversionRate).toBe(pct(want[4]!, want[0]!));
      });

      it("AI performance matches (cost today in the shop's day)", async () => {
        expect(await analytics.getAiPerformance(t.deps)).toEqual(expectedAi(g, tz));
      });
    });
  }

  it("top products match for several windows", async () => {
    for (const [daysBack, limit] of [
      [7, 5],
      [1, 10],
      [30, 3],
    ] as const) {
      expect(await analytics.getTopProducts(t.deps, { daysBack, limit })).toEqual(
        expectedTopProducts(g, daysBack, limit),
      );
    }
  });

  it("engagement matches", async () => {
    await t.deps.cache.deleteByPrefix("analytics:");
    const want = expectedEngagement(g);
    expect(want.dailyActiveUsers).toBeGreaterThan(0);
    expect(await analytics.getUserEngagement(t.deps)).toEqual(want);
  });

  it("GET /api/analytics: staff only, metric=all has the seed's keys, bad params name the field", async () => {
    expect((await t.app.request("/api/analytics?metric=today")).status).toBe(401);
    const all = await t.app.request("/api/analytics?metric=all", { headers: staffAuth });
    expect(all.status).toBe(200);
    const body = (await all.json()) as Record<string, unknown>;
    for (const k of ["today", "topProducts", "userEngagement", "aiPerformance", "funnel", "daily"]) {
      expect(body).toHaveProperty(k);
    }
    const tz = (body.today as { timeZone: string }).timeZone;
    expect(body.today).toEqual(expectedToday(g, tz));
    const top = await t.app.request("/api/analytics?metric=top-products&daysBack=14&limit=2", {
      headers: staffAuth,
    });
    expect(await top.json()).toEqual({ topProducts: expectedTopProducts(g, 14, 2) });
    for (const [query, field] of [
      ["metric=revenue", "metric"],
      ["metric=top-products&daysBack=0", "daysBack"],
      ["metric=top-products&limit=abc", "limit"],
      ["metric=funnel&startDate=2025-03-10&endDate=2025-03-01", "startDate"],
      ["metric=funnel&startDate=2025-02-30", "startDate"],
    ] as const) {
      const res = await t.app.request(`/api/analytics?${query}`, { headers: staffAuth });
      expect(res.status, query).toBe(400);
      const err = (await res.json()) as { error: { message: string } };
      expect(err.error.message.startsWith(field), `${query}: ${err.error.message}`).toBe(true);
    }
  });
});
