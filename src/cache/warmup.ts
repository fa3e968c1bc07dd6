/**
 * Cache warmup registry. Services register a warmer (a function that loads its critical caches
 * through the normal cached read path) at module load; `runWarmup` runs them on start (without
 * blocking it), from `POST /api/cache {action:"warmup"|"warmup-menu"}` and from
 * `shopkeeper warmup-cache`. Built-in warmers live in src/services/cache-warmup.ts.
 */
import type { Deps } from "../deps.js";

export type Warmer = (deps: Deps) => Promise<unknown>;

export interface WarmupResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const warmers = new Map<string, Warmer>();

/** Registers (or replaces) a warmer. Name it after what it loads: "menu", "settings", "analytics". */
export function registerWarmup(name: string, fn: Warmer): void {
  warmers.set(name, fn);
}

export function registeredWarmups(): string[] {
  return [...warmers.keys()];
}

/**
 * Runs every warmer ("all") or the named ones, one after another so a cold start does not hit
 * the database with everything at once. A failing warmer is reported, never thrown.
 */
export async function runWarmup(
  deps: Deps,
  which: "all" | string[] = "all",
  onProgress?: (done: number, total: number, name: string) => void,
): Promise<WarmupResult[]> {
  const names = which === "all" ? [...warmers.keys()] : which.filter((n) => warmers.has(n));
  const results: WarmupResult[] = [];
  for (const [i, name] of names.entries()) {
    const fn = warmers.get(name) as Warmer;
    const t0 = performance.now();
    try {
      await fn(deps);
      results.push({ name, ok: true, ms: round(performance.now() - t0) });
    } catch (err) {
      deps.logger.warn({ warmer: name, err: (err as Error)?.message }, "cache warmup failed");
      results.push({
        name,
        ok: false,
        ms: round(performance.now() - t0),
        error: (err as Error)?.message ?? String(err),
      });
    }
    onProgress?.(i + 1, names.length, name);
  }
  return results;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
