/**
 * Keeping user_profiles.preferences current: from what the customer says (facts with a
 * preference) and from what they order (favourite products, last address and payment method).
 */
import { and, desc, eq, ne } from "drizzle-orm";
import { orders, userProfiles } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { invalidateProfile } from "../profiles.js";
import { updateCompleteness } from "./completeness.js";
import { LIST_PREFERENCES, type PreferenceKey } from "./rules.js";

type PrefDeps = Pick<Deps, "db" | "cache">;

/** A list preference keeps its newest values first, at most this many. */
const LIST_MAX = 10;

/** Writes stated preferences into the profile (lists grow, single values are replaced). */
export async function applyPreferences(
  deps: PrefDeps,
  profileId: string,
  prefs: Array<{ key: PreferenceKey; value: string }>,
): Promise<void> {
  if (prefs.length === 0) return;
  const [p] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, profileId));
  if (!p) return;
  const next: Record<string, unknown> = { ...p.preferences };
  let displayName = p.displayName;
  for (const { key, value } of prefs) {
    if (key === "name") {
      displayName ??= value;
      continue;
    }
    if (LIST_PREFERENCES.has(key)) {
      const current = Array.isArray(next[key]) ? (next[key] as unknown[]).map(String) : [];
      const rest = current.filter((v) => v.toLowerCase() !== value.toLowerCase());
      next[key] = [value, ...rest].slice(0, LIST_MAX);
    } else {
      next[key] = value;
    }
  }
  await deps.db
    .update(userProfiles)
    .set({ preferences: next, displayName })
    .where(eq(userProfiles.id, profileId));
  await updateCompleteness(deps, profileId);
  await invalidateProfile(deps.cache, p);
}

/**
 * Favourite products = the three most ordered (by number of orders, then most recent);
 * delivery address and payment method = those of the latest order. Cancelled orders count
 * for nothing.
 */
export async function refreshPreferencesFromOrders(deps: PrefDeps, profileId: string): Promise<void> {
  const rows = await deps.db
    .select({
      items: orders.items,
      deliveryAddress: orders.deliveryAddress,
      paymentMethod: orders.paymentMethod,
    })
    .from(orders)
    .where(and(eq(orders.userProfileId, profileId), ne(orders.status, "cancelled")))
    .orderBy(desc(orders.createdAt))
    .limit(50);
  if (rows.length === 0) return;
  const [p] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, profileId));
  if (!p) return;
  const favoriteProducts = rankProducts(rows.map((r) => r.items)).slice(0, 3);
  const latest = rows[0]!;
  const next = {
    ...p.preferences,
    favoriteProducts,
    ...(latest.deliveryAddress ? { deliveryAddress: latest.deliveryAddress } : {}),
    paymentMethod: latest.paymentMethod,
  };
  await deps.db.update(userProfiles).set({ preferences: next }).where(eq(userProfiles.id, profileId));
  await updateCompleteness(deps, profileId);
  await invalidateProfile(deps.cache, p);
}

/** Product names by how many of the given orders (newest first) contain them; ties: most recent. */
export function rankProducts(orderItems: Array<Array<Record<string, unknown>>>): string[] {
  const stats = new Map<string, { count: number; newest: number }>();
  orderItems.forEach((items, i) => {
    const names = new Set(items.map((it) => String(it.product_name ?? "")).filter(Boolean));
    for (const n of names) {
      const s = stats.get(n) ?? { count: 0, newest: i };
      stats.set(n, { count: s.count + 1, newest: Math.min(s.newest, i) });
    }
  });
  return [...stats.entries()]
    .sort((a, b) => b[1].count - a[1].count || a[1].newest - b[1].newest)
    .map(([n]) => n);
}
