/** Copies cache.stats() into the cache gauges, so /metrics and GET /api/cache show the same numbers. */
import type { AppCache } from "../../cache/types.js";
import {
  cacheHitRate,
  cacheHits,
  cacheKeys,
  cacheL1Entries,
  cacheMisses,
  cacheTierAvailable,
  cacheTierHits,
  redisUsedMemory,
} from "./registry.js";

export async function updateCacheMetrics(cache: AppCache): Promise<void> {
  const stats = await cache.stats();
  for (const g of [cacheHits, cacheMisses, cacheHitRate, cacheKeys, cacheTierAvailable, cacheTierHits])
    g.reset();
  cacheHitRate.set({ prefix: "all" }, stats.hitRate);
  for (const [prefix, p] of Object.entries(stats.byPrefix)) {
    cacheHits.set({ prefix }, p.hits);
    cacheMisses.set({ prefix }, p.misses);
    cacheHitRate.set({ prefix }, p.hitRate);
    cacheKeys.set({ prefix }, p.keys);
  }
  for (const tier of stats.tiers) cacheTierAvailable.set({ tier: tier.name }, tier.available ? 1 : 0);
  cacheTierHits.set({ tier: "memory" }, stats.l1Hits ?? 0);
  cacheTierHits.set({ tier: "redis" }, stats.l2Hits ?? 0);
  cacheL1Entries.set(stats.memory.l1Entries);
  if (stats.memory.redisUsedBytes !== undefined) redisUsedMemory.set(stats.memory.redisUsedBytes);
}
