/**
 * In-process cache: a Map with expiry and single-flight loads. Used alone when no Redis is
 * configured; the two-tier cache builds on the same contract.
 */
import { CachePrefixes } from "./keys.js";
import type { AppCache, CacheEntry, CacheSetOptions, CacheStats } from "./types.js";

interface Slot {
  value: unknown;
  expiresAt: number;
}

export class MemoryCache implements AppCache {
  private readonly map = new Map<string, Slot>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly counters = new Map<string, { hits: number; misses: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private prefixOf(key: string): string {
    let best = "other";
    for (const p of CachePrefixes) if (key.startsWith(p) && p.length > best.length) best = p;
    return best === "other" ? `${key.split(":")[0]}:` : best;
  }

  private count(key: string, hit: boolean): void {
    const p = this.prefixOf(key);
    const c = this.counters.get(p) ?? { hits: 0, misses: 0 };
    if (hit) c.hits++;
    else c.misses++;
    this.counters.set(p, c);
  }

  private read(key: string): Slot | undefined {
    const slot = this.map.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return slot;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const slot = this.read(key);
    this.count(key, slot !== undefined);
    return slot?.value as T | undefined;
  }

  async set<T>(key: string, value: T, opts: CacheSetOptions): Promise<void> {
    this.map.set(key, { value, expiresAt: this.now() + opts.ttl * 1000 });
  }

  async getOrSet<T>(key: string, loader: () => Promise<T>, opts: CacheSetOptions): Promise<T> {
    const slot = this.read(key);
    this.count(key, slot !== undefined);
    if (slot) return slot.value as T;
    const running = this.inflight.get(key);
    if (running) return running as Promise<T>;
    const p = loader()
      .then(async (v) => {
        await this.set(key, v, opts);
        return v;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  async delete(...keys: string[]): Promise<void> {
    for (const k of keys) this.map.delete(k);
  }

  async getMany<T>(keys: string[]): Promise<Array<T | undefined>> {
    return Promise.all(keys.map((k) => this.get<T>(k)));
  }

  async setMany(entries: CacheEntry[]): Promise<void> {
    for (const e of entries) await this.set(e.key, e.value, { ttl: e.ttl });
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    let n = 0;
    for (const k of [...this.map.keys()]) {
      if (k.startsWith(prefix)) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }

  async clear(): Promise<void> {
    this.map.clear();
  }

  async stats(): Promise<CacheStats> {
    const byPrefix: CacheStats["byPrefix"] = {};
    let hits = 0;
    let misses = 0;
    for (const [p, c] of this.counters) {
      hits += c.hits;
      misses += c.misses;
      byPrefix[p] = { hits: c.hits, misses: c.misses, hitRate: ratio(c.hits, c.misses), keys: 0 };
    }
    for (const k of this.map.keys()) {
      if (!this.read(k)) continue;
      const p = this.prefixOf(k);
      byPrefix[p] ??= { hits: 0, misses: 0, hitRate: 0, keys: 0 };
      byPrefix[p].keys++;
    }
    return {
      tiers: [{ name: "memory", available: true }],
      hits,
      misses,
      hitRate: ratio(hits, misses),
      byPrefix,
      totalKeys: this.map.size,
      memory: { l1Entries: this.map.size },
    };
  }

  async close(): Promise<void> {
    this.map.clear();
  }
}

function ratio(hits: number, misses: number): number {
  return hits + misses === 0 ? 0 : hits / (hits + misses);
}
