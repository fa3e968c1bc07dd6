/** Hit/miss counters per key prefix (the CachePrefixes of keys.ts; the longest match wins). */
import { CachePrefixes } from "./keys.js";

export interface PrefixCounter {
  prefix: string;
  hits: number;
  misses: number;
  l1Hits: number;
  l2Hits: number;
}

/** The stats bucket of a key: its longest known prefix, or its first segment for unknown keys. */
export function prefixOf(key: string): string {
  let best = "";
  for (const p of CachePrefixes) if (p.length > best.length && key.startsWith(p)) best = p;
  if (best) return best;
  const colon = key.indexOf(":");
  return colon >= 0 ? key.slice(0, colon + 1) : key;
}

export class PrefixCounters {
  private readonly byPrefix = new Map<string, PrefixCounter>();

  forKey(key: string): PrefixCounter {
    const prefix = prefixOf(key);
    let c = this.byPrefix.get(prefix);
    if (!c) {
      c = { prefix, hits: 0, misses: 0, l1Hits: 0, l2Hits: 0 };
      this.byPrefix.set(prefix, c);
    }
    return c;
  }

  all(): PrefixCounter[] {
    return [...this.byPrefix.values()];
  }
}

export function hitRate(hits: number, misses: number): number {
  return hits + misses === 0 ? 0 : hits / (hits + misses);
}
