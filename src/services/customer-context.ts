/**
 * The customer's "full context" (seed 002): profile, most important memory facts, the memory
 * summary, recent orders and the last conversation's summary, plus the short paragraph the
 * assistant gets. Cached 12 h under full_context:{id}; invalidated with the profile (orders
 * created or cancelled, facts stored / decayed / summarized, profile edits, Telegram linking).
 */
import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import { conversations, memoryFacts, orders } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { jsonify } from "./json.js";
import { listActiveFacts, type MemoryFact } from "./memory/index.js";
import { rankProducts } from "./memory/preferences.js";
import { getCurrentSummary } from "./memory/summaries.js";
import { getProfileById, type Profile } from "./profiles.js";

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

async function loadRecentOrders(deps: Pick<Deps, "db">, profileId: string): Promise<RecentOrder[]> {
  const rows = await deps.db
    .select()
    .from(orders)
    .where(eq(orders.userProfileId, profileId))
    .orderBy(desc(orders.createdAt))
    .limit(USUAL_WINDOW);
  return jsonify(rows).map((o) => ({
    orderNumber: o.orderNumber,
    status: o.status,
    totalAmount: o.totalAmount,
    currency: o.currency,
    createdAt: o.createdAt,
    items: o.items as RecentOrder["items"],
  }));
}

async function loadLastConversation(
  deps: Pick<Deps, "db">,
  profileId: string,
): Promise<FullContext["lastConversation"]> {
  const [c] = await deps.db
    .select({
      channel: conversations.channel,
      endedAt: conversations.endedAt,
      summary: conversations.summary,
    })
    .from(conversations)
    .where(
      and(
        eq(conversations.userProfileId, profileId),
        isNotNull(conversations.endedAt),
        isNotNull(conversations.summary),
      ),
    )
    .orderBy(desc(conversations.endedAt))
    .limit(1);
  if (!c?.endedAt || !c.summary) return null;
  return { channel: c.channel, endedAt: c.endedAt.toISOString(), summary: c.summary };
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
  deps: Pick<Deps, "db" | "cache" | "clock">,
  profileId: string,
): Promise<FullContext | undefined> {
  const ctx = await deps.cache.getOrSet(
    CacheKeys.fullContext(profileId),
    async (): Promise<FullContext | null> => {
      let profile = await getProfileById(deps, profileId);
      // An id from before a Telegram link resolves to the profile it was merged into.
      if (profile?.mergedInto) profile = await getProfileById(deps, profile.mergedInto);
      if (!profile) return null;
      const id = profile.id;
      const [facts, recent, summary, lastConversation] = await Promise.all([
        listActiveFacts(deps, id, CONTEXT_FACTS),
        loadRecentOrders(deps, id),
        getCurrentSummary(deps, id),
        loadLastConversation(deps, id),
      ]);
      await markAccessed(deps, facts);
      const usual = usualProduct(recent);
      const memorySummary = summary?.summaryText ?? null;
      const recentOrders = recent.slice(0, 3);
      return {
        profile,
        facts,
        recentOrders,
        memorySummary,
        lastConversation,
        usualProduct: usual,
        greeting: profile.isBlocked ? null : returningGreeting(profile, usual),
        paragraph: buildCustomerContext(profile, facts, recentOrders, deps.clock.now(), {
          memorySummary,
          lastConversation,
          usualProduct: usual,
        }),
      };
    },
    { ttl: CacheTTL.fullContext },
  );
  return ctx ?? undefined;
}
