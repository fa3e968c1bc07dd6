/**
 * The customer's "full context" (seed 002): profile, most important memory facts, the memory
 * summary, recent orders and the last conversation's summary, plus the short paragraph the
 * assistant gets. Cached 12 h under full_context:{id}; invalidated with the profile (orders
 * created or cancelled, facts stored / decayed / summarized, profile edits, Telegram linking).
 */
import { getTableColumns, inArray } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import { memoryFacts, userProfiles } from "../db/schema.js";
import type { Deps } from "../deps.js";
import type { MemoryFact } from "./memory/index.js";
import { rankProducts } from "./memory/preferences.js";
import type { Profile } from "./profiles.js";
import { rowReader } from "./rows.js";

export interface RecentOrder {
  orderNumber: string;
  status: string;
  totalAmount: string;
  currency: string;
  createdAt: string;
  items: Array<{ product_name?: unknown; quantity?: unknown }>;
}

export interface FullContext {
  profile: Profile;
  facts: MemoryFact[];
  /** The last 10 orders, newest first (what "the usual" is computed from). */
  recentOrders: RecentOrder[];
  /** The current memory summary (older facts folded together), if any. */
  memorySummary: string | null;
  /** The latest finished conversation's summary and channel, on whichever channel it was. */
  lastConversation: { channel: string; endedAt: string; summary: string } | null;
  /** What they order again and again (in >= 2 non-cancelled orders), if anything. */
  usualProduct: string | null;
  /** A returning customer's greeting in their language ("Welcome back, Anna — the usual Purple Haze?"). */
  greeting: string | null;
  /** "Returning client (visit #5, 12 days with us). Level: intermediate. …" */
  paragraph: string;
}

const DAY = 86_400_000;
/** Facts the assistant sees (the most important first). */
const CONTEXT_FACTS = 10;
/** Orders looked at for "the usual". */
const USUAL_WINDOW = 10;

/** The product in at least two of the customer's recent non-cancelled orders, most often first. */
export function usualProduct(recent: RecentOrder[]): string | null {
  const live = recent
    .filter((o) => o.status !== "cancelled")
    .map((o) => o.items as Array<Record<string, unknown>>);
  const [top] = rankProducts(live);
  if (!top) return null;
  const count = live.filter((items) => items.some((i) => i.product_name === top)).length;
  return count >= 2 ? top : null;
}

const GREETINGS: Record<string, (name: string | null, usual: string | null) => string> = {
  en: (n, u) => `Welcome back${n ? `, ${n}` : ""}!${u ? ` The usual ${u}?` : ""}`,
  ru: (n, u) => `С возвращением${n ? `, ${n}` : ""}!${u ? ` Как обычно, ${u}?` : ""}`,
  uk: (n, u) => `З поверненням${n ? `, ${n}` : ""}!${u ? ` Як завжди, ${u}?` : ""}`,
  th: (n, u) => `ยินดีต้อนรับกลับมา${n ? `คุณ${n}` : ""}ค่ะ!${u ? ` รับ ${u} เหมือนเดิมไหมคะ?` : ""}`,
};

/** Only a returning customer is greeted as one, and by name or usual only when known. */
export function returningGreeting(profile: Profile, usual: string | null): string | null {
  if (!isReturning(profile)) return null;
  const lang = String((profile.preferences as Record<string, unknown>).language ?? "en");
  const g = GREETINGS[lang] ?? GREETINGS.en!;
  return g(profile.displayName, usual);
}

function isReturning(p: Profile): boolean {
  return p.totalVisits > 1 || p.totalOrders > 0 || p.totalConversations > 1;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String).filter(Boolean) : [];
}

export function buildCustomerContext(
  profile: Profile,
  facts: MemoryFact[],
  recentOrders: RecentOrder[],
  now: Date,
  extra: {
    memorySummary?: string | null;
    lastConversation?: FullContext["lastConversation"];
    usualProduct?: string | null;
  } = {},
): string {
  const parts: string[] = [];
  const days = Math.max(0, Math.floor((now.getTime() - new Date(profile.firstVisit).getTime()) / DAY));
  if (isReturning(profile)) {
    parts.push(`Returning client (visit #${profile.totalVisits}, ${days} days with us).`);
  } else {
    parts.push("New client (first visit).");
  }
  if (profile.isBlocked) parts.push("BLOCKED: politely decline to serve or take orders.");
  if (profile.displayName) parts.push(`Name: ${profile.displayName}.`);
  const prefs = profile.preferences as Record<string, unknown>;
  if (typeof prefs.experienceLevel === "string") parts.push(`Level: ${prefs.experienceLevel}.`);
  const allergies = [...list(prefs.allergies), ...list(prefs.healthConditions)];
  if (allergies.length > 0) parts.push(`Health: ${allergies.join(", ")} (never recommend against this).`);
  if (list(prefs.preferredEffects).length > 0)
    parts.push(`Prefers ${list(prefs.preferredEffects).join(", ")} effects.`);
  const favourites = [...new Set([...list(prefs.favoriteStrains), ...list(prefs.favoriteProducts)])];
  if (favourites.length > 0) parts.push(`Favourites: ${favourites.join(", ")}.`);
  if (typeof prefs.budget === "string") parts.push(`Budget: ${prefs.budget}.`);
  if (profile.totalOrders > 0) parts.push(`${profile.totalOrders} orders so far.`);
  const last = recentOrders[0];
  if (last) {
    const names = last.items.map((i) => String(i.product_name ?? "")).filter(Boolean);
    parts.push(`Last order ${last.orderNumber} (${last.status}): ${names.join(", ")}.`);
  }
  if (extra.usualProduct) parts.push(`Usually orders ${extra.usualProduct}.`);
  const top = facts.slice(0, 5).map((f) => f.content);
  if (top.length > 0) parts.push(`Remember: ${top.join("; ")}.`);
  if (extra.memorySummary) parts.push(extra.memorySummary);
  if (extra.lastConversation) {
    parts.push(`Last conversation (${extra.lastConversation.channel}): ${extra.lastConversation.summary}`);
  }
  const greeting = profile.isBlocked ? null : returningGreeting(profile, extra.usualProduct ?? null);
  if (greeting) parts.push(`Greet them as a returning customer, e.g. "${greeting}"`);
  return parts.join(" ");
}

/** A memory_facts row as row_to_json gives it → the MemoryFact drizzle + jsonify give. */
const FACT_COLUMNS = Object.entries(getTableColumns(memoryFacts));
function factFromJson(row: Record<string, unknown>): MemoryFact {
  const fact: Record<string, unknown> = {};
  for (const [key, col] of FACT_COLUMNS) {
    const v = row[col.name];
    fact[key] = v != null && col.columnType === "PgTimestamp" ? new Date(v as string).toISOString() : v;
  }
  return fact as unknown as MemoryFact;
}

interface ContextRow {
  profile: Profile;
  facts: string;
  orders: string;
  summary: string | null;
  lastConversation: string | null;
}

const profileColumns = rowReader(userProfiles, "p", "p.");

/**
 * The profile and everything the context is built from in one statement (one round trip instead
 * of five): the same rows listActiveFacts, getCurrentSummary and the recent-orders and
 * last-conversation queries return, as JSON columns next to the profile row. A constant text, run
 * straight on the driver (prepared once per connection): nothing to build per call.
 */
const CONTEXT_SQL = `select ${profileColumns.columns},
    (select coalesce(json_agg(f order by f.importance desc, f.updated_at desc), '[]')::text
      from (select * from memory_facts where user_profile_id = p.id and is_active
        order by importance desc, updated_at desc limit ${CONTEXT_FACTS}) f) as facts,
    (select coalesce(json_agg(o order by o.created_at desc), '[]')::text
      from (select order_number, status, total_amount::text as total_amount, currency, created_at, items
        from orders where user_profile_id = p.id order by created_at desc limit ${USUAL_WINDOW}) o) as orders,
    (select summary_text from memory_summaries
      where user_profile_id = p.id and is_current order by created_at desc limit 1) as summary,
    (select json_build_object('channel', channel, 'ended_at', ended_at, 'summary', summary)::text
      from conversations where user_profile_id = p.id and ended_at is not null and summary is not null
      order by ended_at desc limit 1) as last_conversation
  from user_profiles p where p.id = $1::uuid`;

async function loadContextRow(
  deps: Pick<Deps, "database">,
  profileId: string,
): Promise<ContextRow | undefined> {
  const [row] = await deps.database.query<Record<string, unknown>>(CONTEXT_SQL, [profileId]);
  if (!row) return undefined;
  return {
    profile: profileColumns.read(row) as Profile,
    facts: row.facts as string,
    orders: row.orders as string,
    summary: (row.summary as string | null) ?? null,
    lastConversation: (row.last_conversation as string | null) ?? null,
  };
}

function recentOrdersOf(json: string): RecentOrder[] {
  return (JSON.parse(json) as Array<Record<string, string>>).map((o) =>
    recentOrderOf({
      orderNumber: o.order_number as string,
      status: o.status as string,
      totalAmount: o.total_amount as string,
      currency: o.currency as string,
      createdAt: o.created_at as string,
      items: o.items,
    }),
  );
}

/** An order as the context lists it (from the database's row or an order just created). */
export function recentOrderOf(o: {
  orderNumber: string;
  status: string;
  totalAmount: string;
  currency: string;
  createdAt: string;
  items: unknown;
}): RecentOrder {
  return {
    orderNumber: o.orderNumber,
    status: o.status,
    totalAmount: o.totalAmount,
    currency: o.currency,
    createdAt: new Date(o.createdAt).toISOString(),
    items: o.items as RecentOrder["items"],
  };
}

function lastConversationOf(json: string | null): FullContext["lastConversation"] {
  if (!json) return null;
  const c = JSON.parse(json) as { channel: string; ended_at: string; summary: string };
  return { channel: c.channel, endedAt: new Date(c.ended_at).toISOString(), summary: c.summary };
}

/** Marks facts as used now: decay counts from the last time the assistant relied on a fact. */
async function markAccessed(deps: Pick<Deps, "db" | "clock">, facts: MemoryFact[]): Promise<void> {
  if (facts.length === 0) return;
  await deps.db
    .update(memoryFacts)
    .set({ lastAccessedAt: deps.clock.now() })
    .where(
      inArray(
        memoryFacts.id,
        facts.map((f) => f.id),
      ),
    );
}

export async function getFullContext(
  deps: Pick<Deps, "db" | "database" | "cache" | "clock">,
  profileId: string,
): Promise<FullContext | undefined> {
  const ctx = await deps.cache.getOrSet(
    CacheKeys.fullContext(profileId),
    async (): Promise<FullContext | null> => {
      let row = await loadContextRow(deps, profileId);
      // An id from before a Telegram link resolves to the profile it was merged into.
      if (row?.profile.mergedInto) row = await loadContextRow(deps, row.profile.mergedInto);
      if (!row) return null;
      const profile = row.profile;
      const facts = (JSON.parse(row.facts) as Array<Record<string, unknown>>).map(factFromJson);
      const recent = recentOrdersOf(row.orders);
      const lastConversation = lastConversationOf(row.lastConversation);
      await markAccessed(deps, facts);
      return contextOf(profile, facts, recent, row.summary ?? null, lastConversation, deps.clock.now());
    },
    { ttl: CacheTTL.fullContext },
  );
  return ctx ?? undefined;
}

function contextOf(
  profile: Profile,
  facts: MemoryFact[],
  recentOrders: RecentOrder[],
  memorySummary: string | null,
  lastConversation: FullContext["lastConversation"],
  now: Date,
): FullContext {
  const usual = usualProduct(recentOrders);
  return {
    profile,
    facts,
    recentOrders,
    memorySummary,
    lastConversation,
    usualProduct: usual,
    greeting: profile.isBlocked ? null : returningGreeting(profile, usual),
    paragraph: buildCustomerContext(profile, facts, recentOrders, now, {
      memorySummary,
      lastConversation,
      usualProduct: usual,
    }),
  };
}

/**
 * The context after the customer's new order, from the context held before it: what loading it
 * again would give (the order first among the recent ones, the profile the order's statement
 * returned, "the usual" and the paragraph worked out again), without the statement. An order
 * changes no fact, summary or finished conversation.
 */
export function contextAfterOrder(
  ctx: FullContext,
  profile: Profile,
  order: RecentOrder,
  now: Date,
): FullContext {
  const recent = [order, ...ctx.recentOrders].slice(0, USUAL_WINDOW);
  return contextOf(profile, ctx.facts, recent, ctx.memorySummary, ctx.lastConversation, now);
}
