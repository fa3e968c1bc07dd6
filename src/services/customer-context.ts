/**
 * The customer's "full context" (seed 002): profile, most important memory facts and recent
 * orders, plus the short paragraph the assistant gets. Cached 12 h under full_context:{id};
 * invalidated with the profile (orders created or cancelled, facts stored, profile edits).
 */
import { desc, eq } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import { orders } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { jsonify } from "./json.js";
import { listActiveFacts, type MemoryFact } from "./memory/index.js";
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
  /** "Returning client (visit #5, 12 days with us). Level: intermediate. …" */
  paragraph: string;
}

const DAY = 86_400_000;

export function buildCustomerContext(
  profile: Profile,
  facts: MemoryFact[],
  recentOrders: RecentOrder[],
  now: Date,
): string {
  const parts: string[] = [];
  const days = Math.max(0, Math.floor((now.getTime() - new Date(profile.firstVisit).getTime()) / DAY));
  if (profile.totalVisits > 1 || profile.totalOrders > 0) {
    parts.push(`Returning client (visit #${profile.totalVisits}, ${days} days with us).`);
  } else {
    parts.push("New client (first visit).");
  }
  if (profile.displayName) parts.push(`Name: ${profile.displayName}.`);
  const prefs = profile.preferences as Record<string, unknown>;
  if (typeof prefs.experienceLevel === "string") parts.push(`Level: ${prefs.experienceLevel}.`);
  if (Array.isArray(prefs.preferredEffects) && prefs.preferredEffects.length > 0) {
    parts.push(`Prefers ${prefs.preferredEffects.join(", ")} effects.`);
  }
  if (Array.isArray(prefs.favoriteStrains) && prefs.favoriteStrains.length > 0) {
    parts.push(`Favourites: ${prefs.favoriteStrains.join(", ")}.`);
  }
  if (profile.totalOrders > 0) parts.push(`${profile.totalOrders} orders so far.`);
  const last = recentOrders[0];
  if (last) {
    const names = last.items.map((i) => String(i.product_name ?? "")).filter(Boolean);
    parts.push(`Last order ${last.orderNumber} (${last.status}): ${names.join(", ")}.`);
  }
  const top = facts.slice(0, 5).map((f) => f.content);
  if (top.length > 0) parts.push(`Remember: ${top.join("; ")}.`);
  return parts.join(" ");
}

export async function getFullContext(
  deps: Pick<Deps, "db" | "cache" | "clock">,
  profileId: string,
): Promise<FullContext | undefined> {
  const ctx = await deps.cache.getOrSet(
    CacheKeys.fullContext(profileId),
    async () => {
      const profile = await getProfileById(deps, profileId);
      if (!profile) return null;
      const [facts, recent] = await Promise.all([
        listActiveFacts(deps, profileId, 10),
        deps.db
          .select()
          .from(orders)
          .where(eq(orders.userProfileId, profileId))
          .orderBy(desc(orders.createdAt))
          .limit(3),
      ]);
      const recentOrders: RecentOrder[] = jsonify(recent).map((o) => ({
        orderNumber: o.orderNumber,
        status: o.status,
        totalAmount: o.totalAmount,
        currency: o.currency,
        createdAt: o.createdAt,
        items: o.items as RecentOrder["items"],
      }));
      return {
        profile,
        facts,
        recentOrders,
        paragraph: buildCustomerContext(profile, facts, recentOrders, deps.clock.now()),
      };
    },
    { ttl: CacheTTL.fullContext },
  );
  return ctx ?? undefined;
}
