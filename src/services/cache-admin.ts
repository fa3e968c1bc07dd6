/** What staff can do with the cache from the API: read stats, warm up, clear all or by prefix. */
import { CachePrefixes } from "../cache/keys.js";
import type { CacheStats } from "../cache/types.js";
import { runWarmup, type WarmupResult } from "../cache/warmup.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import "./cache-warmup.js";

export type CacheAction = "warmup" | "warmup-menu" | "clear" | "clear-prefix";

export interface CacheActionResult {
  action: CacheAction;
  deleted?: number;
  warmed?: WarmupResult[];
}

export function cacheStats(deps: Pick<Deps, "cache">): Promise<CacheStats> {
  return deps.cache.stats();
}

export async function runCacheAction(
  deps: Deps,
  action: CacheAction,
  prefix?: string,
): Promise<CacheActionResult> {
  switch (action) {
    case "warmup":
      return { action, warmed: await runWarmup(deps, "all") };
    case "warmup-menu":
      return { action, warmed: await runWarmup(deps, ["menu"]) };
    case "clear":
      await deps.cache.clear();
      return { action };
    case "clear-prefix": {
      // Only known prefixes: an empty or arbitrary prefix must not become a "clear everything".
      if (!prefix || !(CachePrefixes as readonly string[]).includes(prefix)) {
        throw AppError.validation("prefix", `must be one of ${CachePrefixes.join(", ")}`);
      }
      return { action, deleted: await deps.cache.deleteByPrefix(prefix) };
    }
  }
}
