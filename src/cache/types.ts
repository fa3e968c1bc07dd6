/** The cache contract every implementation (memory-only, memory + Redis, memory + Upstash) meets. */
export interface CacheSetOptions {
  /** Time to live in seconds (take it from CacheTTL). */
  ttl: number;
}

/** Whether a write goes to the shared tier or only drops the shared copy (see `AppCache.setMany`). */
export type SharedMode = "write" | "drop";

export interface CacheEntry<T = unknown> {
  key: string;
  /** `undefined` deletes the key on every tier and instance (as `delete`). */
  value: T;
  /** Seconds (take it from CacheTTL); ignored for a deletion. */
  ttl: number;
  /** This entry's shared-tier mode; overrides the `setMany` option. @default "write" */
  shared?: SharedMode;
  /**
   * The caller hands the value over and changes nothing in it afterwards: a JSON-shaped value is
   * frozen in place (the caller's own objects become read-only) instead of copied through JSON.
   * Anything else (a Date, undefined, a class instance inside) is copied as usual. @default false
   */
  owned?: boolean;
}

export interface TierStatus {
  name: "memory" | "redis" | "upstash";
  available: boolean;
}

export interface CacheStats {
  tiers: TierStatus[];
  hits: number;
  misses: number;
  hitRate: number;
  /** Hits answered from this process's memory / from the shared Redis tier (hits = l1Hits + l2Hits + coalesced waits). */
  l1Hits?: number;
  l2Hits?: number;
  byPrefix: Record<string, { hits: number; misses: number; hitRate: number; keys: number }>;
  totalKeys: number;
  memory: { l1Entries: number; redisUsedBytes?: number; redisUsedHuman?: string };
}

export interface AppCache {
  /** Returns the cached value or runs `loader` once (concurrent misses share one load) and caches it. */
  getOrSet<T>(key: string, loader: () => Promise<T>, opts: CacheSetOptions): Promise<T>;
  get<T>(key: string): Promise<T | undefined>;
  /**
   * This process's fresh copy of the key, if it holds one, without asking the shared tier and
   * without waiting: for a write-through worked out from the current value and set (setMany) in
   * the same tick, so no invalidation can come in between. Not counted as a hit or a miss.
   */
  peek<T>(key: string): T | undefined;
  set<T>(key: string, value: T, opts: CacheSetOptions): Promise<void>;
  /** Deletes keys on every tier and every instance. */
  delete(...keys: string[]): Promise<void>;
  getMany<T>(keys: string[]): Promise<Array<T | undefined>>;
  /**
   * Sets every entry, and deletes (on every tier) every entry whose value is `undefined`, in one
   * round trip with one announcement for all of them. An entry with `shared: "drop"` (or every
   * entry, with the option `{ shared: "drop" }`) is set in this process's memory only and dropped
   * from the shared tier (and other instances' memory): for a value that is about to be written
   * again shortly, so its full value crosses the network once. When a key appears more than
   * once, its last entry wins.
   */
  setMany(entries: CacheEntry[], opts?: { shared?: SharedMode }): Promise<void>;
  /** Deletes every key starting with `prefix` on every tier and instance; returns how many. */
  deleteByPrefix(prefix: string): Promise<number>;
  clear(): Promise<void>;
  stats(): Promise<CacheStats>;
  close(): Promise<void>;
}
