/**
 * The catalog: cached reads (menu:items, menu:category:*), filtering, and replacing it in one
 * transaction (demo data on first start, CSV/Google Sheet import).
 */

import { clearSemanticCache } from "../../agent/semantic-cache.js";
import { CacheKeys, CacheTTL } from "../../cache/keys.js";
import type { AppCache } from "../../cache/types.js";
import type { Db } from "../../db/client.js";
import { countMenuItems, selectActiveCatalog, upsertCatalog } from "../../db/queries/catalog.js";
import type { Deps } from "../../deps.js";
import { DEMO_CATALOG } from "./demo.js";
import type { CatalogFilter, CatalogItem, CatalogItemInput } from "./types.js";

export type * from "./types.js";

type CatalogDeps = Pick<Deps, "db" | "cache">;

export async function listCatalog(deps: CatalogDeps): Promise<CatalogItem[]> {
  return deps.cache.getOrSet(CacheKeys.menuItems(), () => selectActiveCatalog(deps.db), {
    ttl: CacheTTL.menuItems,
  });
}

export async function listCategory(deps: CatalogDeps, category: string): Promise<CatalogItem[]> {
  const c = category.toLowerCase();
  return deps.cache.getOrSet(
    CacheKeys.menuCategory(c),
    async () => (await listCatalog(deps)).filter((i) => i.category === c),
    { ttl: CacheTTL.menuCategory },
  );
}

export async function getCatalogItem(deps: CatalogDeps, id: string): Promise<CatalogItem | undefined> {
  return (await listCatalog(deps)).find((i) => i.id === id);
}

export function filterCatalog(items: CatalogItem[], f: CatalogFilter): CatalogItem[] {
  const q = f.q?.trim().toLowerCase();
  return items.filter(
    (i) =>
      (!f.category || i.category === f.category.toLowerCase()) &&
      (!f.type || i.type === f.type.toLowerCase()) &&
      (!f.effect || i.effects.includes(f.effect.toLowerCase())) &&
      (f.inStock === undefined || i.inStock === f.inStock) &&
      (!q ||
        i.name.toLowerCase().includes(q) ||
        i.effects.some((e) => e.includes(q)) ||
        i.flavors.some((x) => x.includes(q)) ||
        (i.description ?? "").toLowerCase().includes(q)),
  );
}

export async function categories(deps: CatalogDeps): Promise<string[]> {
  return [...new Set((await listCatalog(deps)).map((i) => i.category))];
}

/** Drops every menu cache key (all instances). */
export async function invalidateCatalog(cache: AppCache): Promise<void> {
  await cache.delete(CacheKeys.menuItems());
  await cache.deleteByPrefix("menu:category:");
}

/** Replaces the catalog atomically: all items written, or none. */
export async function replaceCatalog(
  deps: CatalogDeps & { clock: { now(): Date } },
  items: CatalogItemInput[],
): Promise<number> {
  const n = await (deps.db as Db).transaction((tx) => upsertCatalog(tx, items, deps.clock.now()));
  await invalidateCatalog(deps.cache);
  // Cached general answers may name products or prices.
  await clearSemanticCache(deps);
  return n;
}

/** Loads the demo catalog when the database has no catalog yet. Returns whether it did. */
export async function seedDemoCatalogIfEmpty(
  deps: CatalogDeps & { clock: { now(): Date } },
): Promise<boolean> {
  if ((await countMenuItems(deps.db)) > 0) return false;
  await replaceCatalog(deps, DEMO_CATALOG);
  return true;
}
