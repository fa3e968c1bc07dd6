/**
 * The two-tier cache: L1 in this process, L2 in Redis shared by every instance, then the loader
 * (the database). Writes go to both tiers and announce the keys on a Redis channel so other
 * instances drop their L1 copies. See docs/notes/cache.md for the design and its figures.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../logger.js";
import type { Announcement, L2Driver, L2Entry } from "./drivers/types.js";
import { FAILED, L2Guard } from "./guard.js";
import { type L1Slot, MemoryTier } from "./l1.js";
import { hitRate, PrefixCounters, prefixOf } from "./stats.js";
import type { AppCache, CacheEntry, CacheSetOptions, CacheStats, SharedMode } from "./types.js";
import { encodeValue, envelope, frozenValue, openEnvelope } from "./values.js";

export interface TwoTierOptions {
  logger: Logger;
  /** The shared tier; omit for memory only. */
  l2?: L2Driver;
  /** Prepended to every Redis key and to the bus channel, so apps (and test runs) can share a Redis. @default "sk:" */
  namespace?: string;
  /** Timeout of one Redis round trip. @default 300 */
  timeoutMs?: number;
  /** How long Redis is skipped after a failure before one call probes it. @default 2000 */
  breakMs?: number;
  /** How long past its TTL an entry may still answer when its loader fails. @default 600_000 */
  graceMs?: number;
  /** @default 50_000 */
  l1MaxEntries?: number;
  /** L1 lifetime cap when L2 has no bus (Upstash REST): how stale another instance's L1 may be. @default 5000 */
  l1TtlWithoutBusMs?: number;
  now?: () => number;
}

/** Bus message: origin instance, then keys / prefixes invalidated, or the whole cache cleared. */
interface BusMessage {
  o: string;
  k?: string[];
  p?: string[];
  c?: 1;
}

/** Coordination state, not cached data: `clear()` leaves it alone. */
const KEPT_ON_CLEAR = ["lock:", "rate_limit:"];
const MAX_PENDING = 10_000;

export class TwoTierCache implements AppCache {
  readonly instanceId = randomUUID();
  readonly namespace: string;
  private readonly l1: MemoryTier;
  private readonly guard?: L2Guard;
  private readonly channel: string;
  private readonly counters = new PrefixCounters();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly now: () => number;
  private readonly graceMs: number;
  private l1Cap = Number.POSITIVE_INFINITY;
  private busSubscribed = false;
  private closed = false;

  // Invalidations seen while loads are running: a load that started before one must not cache
  // what it read (it may be the old value). Only tracked while something is loading.
  private seq = 0;
  private activeLoads = 0;
  private clearSeq = 0;
  private readonly keyInvalidated = new Map<string, number>();
  private readonly prefixInvalidated = new Map<string, number>();

  // Invalidations Redis missed during an outage, replayed when it is back.
  private readonly pendingKeys = new Set<string>();
  private readonly pendingPrefixes = new Set<string>();
  private pendingClear = false;

  constructor(private readonly opts: TwoTierOptions) {
    this.now = opts.now ?? Date.now;
    this.namespace = opts.namespace ?? "sk:";
    this.channel = `${this.namespace}__bus`;
    this.graceMs = opts.graceMs ?? 600_000;
    this.l1 = new MemoryTier(opts.l1MaxEntries ?? 50_000, this.now);
    if (opts.l2) {
      this.guard = new L2Guard(opts.l2, {
        logger: opts.logger,
        timeoutMs: opts.timeoutMs,
        breakMs: opts.breakMs,
        now: this.now,
        onRecover: () => void this.replayPending(),
      });
    }
  }

  /** Subscribes to the invalidation bus; without one (Upstash), L1 entries are kept briefly. */
  async start(): Promise<this> {
    const driver = this.guard?.driver;
    if (!driver) return this;
    const subscribed = await driver.subscribe(
      this.channel,
      (m) => this.onBusMessage(m),
      // The bus was down: invalidations may have been missed, so nothing in L1 can be trusted.
      () => this.invalidateAllLocal(),
    );
    if (!subscribed) this.l1Cap = this.opts.l1TtlWithoutBusMs ?? 5000;
    this.busSubscribed = subscribed;
    return this;
  }

  /** The shared tier's driver (locks and rate limits use its Redis connection). */
  get l2Driver(): L2Driver | undefined {
    return this.guard?.driver;
  }

  /** Whether the shared tier is configured and answering. */
  l2Available(): boolean {
    return this.guard?.available() ?? false;
  }

  async getOrSet<T>(key: string, loader: () => Promise<T>, opts: CacheSetOptions): Promise<T> {
    const slot = this.l1.peek(key);
    if (slot !== undefined && slot.freshUntil > this.now()) {
      slot.counter.hits++;
      slot.counter.l1Hits++;
      return slot.value as T;
    }
    const running = this.inflight.get(key);
    if (running) {
      this.counters.forKey(key).hits++;
      return running as Promise<T>;
    }
    const load = this.load(key, loader, opts, slot).finally(() => this.inflight.delete(key));
    this.inflight.set(key, load);
    return load;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const slot = this.l1.peek(key);
    if (slot !== undefined && slot.freshUntil > this.now()) {
      slot.counter.hits++;
      slot.counter.l1Hits++;
      return slot.value as T;
    }
    const [value] = await this.fetchFromL2<T>([key]);
    return value;
  }

  peek<T>(key: string): T | undefined {
    const slot = this.l1.peek(key);
    return slot !== undefined && slot.freshUntil > this.now() ? (slot.value as T) : undefined;
  }

  async getMany<T>(keys: string[]): Promise<Array<T | undefined>> {
    const out: Array<T | undefined> = new Array(keys.length);
    const missing: string[] = [];
    const missingAt: number[] = [];
    const now = this.now();
    keys.forEach((key, i) => {
      const slot = this.l1.peek(key);
      if (slot !== undefined && slot.freshUntil > now) {
        slot.counter.hits++;
        slot.counter.l1Hits++;
        out[i] = slot.value as T;
      } else {
        missing.push(key);
        missingAt.push(i);
      }
    });
    if (missing.length > 0) {
      const fetched = await this.fetchFromL2<T>(missing);
      fetched.forEach((v, j) => {
        out[missingAt[j] as number] = v;
      });
    }
    return out;
  }

  async set<T>(key: string, value: T, opts: CacheSetOptions): Promise<void> {
    await this.setMany([{ key, value, ttl: opts.ttl }]);
  }

  async setMany(entries: CacheEntry[], opts?: { shared?: SharedMode }): Promise<void> {
    if (entries.length === 0) return;
    let batch = entries;
    let keys = entries.map((e) => e.key);
    if (entries.length > 1) {
      const distinct = new Set(keys);
      if (distinct.size < keys.length) {
        // A key named twice: its last entry wins, as with writes sent one after the other.
        batch = [...new Map(entries.map((e) => [e.key, e])).values()];
        keys = [...distinct];
      }
    }
    this.markInvalidated(keys);
    const now = this.now();
    const l2: L2Entry[] = [];
    const unlink: string[] = [];
    const mode = opts?.shared ?? "write";
    for (const e of batch) {
      if (e.value === undefined) {
        // A deletion: on every tier, like delete().
        this.l1.delete(e.key);
        unlink.push(this.namespace + e.key);
        continue;
      }
      const freshUntil = now + e.ttl * 1000;
      // "drop": kept in this process only, so the JSON text Redis would need is not built.
      if ((e.shared ?? mode) === "drop") {
        this.storeL1(e.key, frozenValue(e.value, e.owned), freshUntil);
        unlink.push(this.namespace + e.key);
        continue;
      }
      const encoded = encodeValue(e.value, e.owned);
      this.storeL1(e.key, encoded.value, freshUntil);
      if (this.guard)
        l2.push({
          key: this.namespace + e.key,
          value: envelope(freshUntil, encoded.json),
          ttlMs: e.ttl * 1000 + this.graceMs,
        });
    }
    if (!this.guard) return;
    // Writes, deletions and the one announcement of every key named go out in one round trip.
    const announce = this.announcement({ k: keys });
    const r = await this.guard.run((d) => d.write(l2, unlink, announce));
    // Redis may still hold an older value for these keys: delete them there once it is back.
    if (r === FAILED) this.addPending(keys);
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    this.markInvalidated(keys);
    for (const key of keys) this.l1.delete(key);
    if (!this.guard) return;
    const full = keys.map((k) => this.namespace + k);
    const r = await this.guard.run((d) => d.del(full, this.announcement({ k: keys })));
    if (r === FAILED) this.addPending(keys);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    this.markPrefixInvalidated(prefix);
    const inMemory = this.l1.deleteByPrefix(prefix);
    if (!this.guard) return inMemory;
    const inRedis = await this.unlinkMatching(`${this.namespace}${escapeGlob(prefix)}*`, () => true);
    const announced = await this.guard.run((d) => d.publish(this.channel, this.busMessage({ p: [prefix] })));
    if (inRedis === FAILED || announced === FAILED) {
      this.addPendingPrefix(prefix);
      return inMemory;
    }
    return Math.max(inMemory, inRedis);
  }

  async clear(): Promise<void> {
    this.invalidateAllLocal();
    if (!this.guard) return;
    const ns = this.namespace;
    const unlinked = await this.unlinkMatching(`${escapeGlob(ns)}*`, (full) => {
      const key = full.slice(ns.length);
      return !key.startsWith("__") && !KEPT_ON_CLEAR.some((p) => key.startsWith(p));
    });
    const announced = await this.guard.run((d) => d.publish(this.channel, this.busMessage({ c: 1 })));
    if (unlinked === FAILED || announced === FAILED) this.pendingClear = true;
  }

  async stats(): Promise<CacheStats> {
    const byPrefix: CacheStats["byPrefix"] = {};
    let hits = 0;
    let misses = 0;
    let l1Hits = 0;
    let l2Hits = 0;
    for (const c of this.counters.all()) {
      hits += c.hits;
      misses += c.misses;
      l1Hits += c.l1Hits;
      l2Hits += c.l2Hits;
      byPrefix[c.prefix] = { hits: c.hits, misses: c.misses, hitRate: hitRate(c.hits, c.misses), keys: 0 };
    }
    const counted = (await this.countRedisKeys()) ?? this.countL1Keys();
    let totalKeys = 0;
    for (const [prefix, n] of counted) {
      byPrefix[prefix] ??= { hits: 0, misses: 0, hitRate: 0, keys: 0 };
      byPrefix[prefix].keys = n;
      totalKeys += n;
    }
    const tiers: CacheStats["tiers"] = [{ name: "memory", available: true }];
    const memory: CacheStats["memory"] = { l1Entries: this.l1.size };
    if (this.guard) {
      const used = await this.guard.run((d) => d.usedMemory());
      tiers.push({ name: this.guard.driver.name, available: this.guard.available() });
      if (used !== FAILED && used !== undefined) {
        memory.redisUsedBytes = used;
        memory.redisUsedHuman = humanBytes(used);
      }
    }
    return {
      tiers,
      hits,
      misses,
      hitRate: hitRate(hits, misses),
      l1Hits,
      l2Hits,
      byPrefix,
      totalKeys,
      memory,
    };
  }

  /**
   * Resolves once every invalidation other instances published before this call has been
   * applied to this instance's L1 (one PING on the bus connection).
   */
  async syncInvalidations(): Promise<void> {
    await this.guard?.driver.syncSubscription();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.l1.clear();
    await this.guard?.driver.close();
  }

  private async load<T>(
    key: string,
    loader: () => Promise<T>,
    opts: CacheSetOptions,
    stale?: L1Slot,
  ): Promise<T> {
    const counter = this.counters.forKey(key);
    const seq0 = this.beginLoad();
    try {
      let staleFromL2: { value: unknown; freshUntil: number } | undefined;
      if (this.guard) {
        const raw = await this.guard.run((d) => d.get(this.namespace + key));
        const env = raw !== FAILED && raw !== null ? openEnvelope(raw) : undefined;
        if (env && env.freshUntil > this.now()) {
          counter.hits++;
          counter.l2Hits++;
          if (!this.invalidatedSince(key, seq0)) this.storeL1(key, env.value, env.freshUntil);
          return env.value as T;
        }
        staleFromL2 = env;
      }
      let loaded: T;
      try {
        loaded = await loader();
      } catch (err) {
        const fallback = this.invalidatedSince(key, seq0) ? undefined : this.graceValue(stale, staleFromL2);
        if (fallback === undefined) throw err;
        // Grace period: a stale answer beats an error while the database is struggling.
        this.opts.logger.debug(
          { key: prefixOf(key), err: (err as Error)?.message },
          "cache: served stale value",
        );
        counter.hits++;
        return fallback.value as T;
      }
      counter.misses++;
      if (loaded === undefined) return loaded;
      const encoded = encodeValue(loaded);
      if (!this.invalidatedSince(key, seq0)) {
        const freshUntil = this.now() + opts.ttl * 1000;
        this.storeL1(key, encoded.value, freshUntil);
        if (this.guard) {
          const entry = {
            key: this.namespace + key,
            value: envelope(freshUntil, encoded.json),
            ttlMs: opts.ttl * 1000 + this.graceMs,
          };
          const r = await this.guard.run((d) => d.write([entry], []));
          if (r === FAILED) this.addPending([key]);
        }
      }
      return encoded.value as T;
    } finally {
      this.endLoad();
    }
  }

  /** Reads keys missing from L1 in one MGET, filling L1 with what Redis has. */
  private async fetchFromL2<T>(keys: string[]): Promise<Array<T | undefined>> {
    const out: Array<T | undefined> = new Array(keys.length).fill(undefined);
    const seq0 = this.beginLoad();
    try {
      const raws = this.guard ? await this.fetchRaw(keys) : undefined;
      const now = this.now();
      keys.forEach((key, i) => {
        const raw = raws?.[i];
        const env = raw ? openEnvelope(raw) : undefined;
        const counter = this.counters.forKey(key);
        if (env && env.freshUntil > now) {
          counter.hits++;
          counter.l2Hits++;
          out[i] = env.value as T;
          // Invalidated while the read was in flight: answer it (it was current when read) but do
          // not keep it, it may already be the old value.
          if (!this.invalidatedSince(key, seq0)) this.storeL1(key, env.value, env.freshUntil);
        } else {
          counter.misses++;
        }
      });
      return out;
    } finally {
      this.endLoad();
    }
  }

  private async fetchRaw(keys: string[]): Promise<Array<string | null> | undefined> {
    const full = keys.map((k) => this.namespace + k);
    const r = await this.guard?.run((d) =>
      full.length === 1 ? d.get(full[0] as string).then((v) => [v]) : d.mget(full),
    );
    return r === FAILED ? undefined : r;
  }

  private storeL1(key: string, value: unknown, freshUntil: number): void {
    // While the invalidation bus is disconnected (Redis down) no other instance's invalidation
    // can arrive, so what this instance caches meanwhile is kept only briefly (as without a bus).
    // It depends on the bus, not on failing commands: that is what decides whether L1 can be stale.
    const busDown = this.busSubscribed && this.guard?.driver.busConnected() === false;
    const cap = busDown ? Math.min(this.l1Cap, this.opts.l1TtlWithoutBusMs ?? 5000) : this.l1Cap;
    const capped = Math.min(freshUntil, this.now() + cap);
    this.l1.set(key, {
      value,
      freshUntil: capped,
      staleUntil: freshUntil + this.graceMs,
      counter: this.counters.forKey(key),
    });
  }

  private graceValue(
    l1?: L1Slot,
    l2?: { value: unknown; freshUntil: number },
  ): { value: unknown } | undefined {
    const now = this.now();
    if (l1 && l1.staleUntil > now) return l1;
    if (l2 && l2.freshUntil + this.graceMs > now) return l2;
    return undefined;
  }

  /** SCAN + UNLINK in pages; every round trip is guarded. Returns how many keys were removed. */
  private async unlinkMatching(
    pattern: string,
    keep: (fullKey: string) => boolean,
  ): Promise<number | typeof FAILED> {
    const guard = this.guard;
    if (!guard) return 0;
    let cursor = "0";
    let removed = 0;
    do {
      const page = await guard.run((d) => d.scanPage(cursor, pattern));
      if (page === FAILED) return FAILED;
      cursor = page[0];
      const batch = page[1].filter(keep);
      if (batch.length > 0) {
        const n = await guard.run((d) => d.del(batch));
        if (n === FAILED) return FAILED;
        removed += n;
      }
    } while (cursor !== "0");
    return removed;
  }

  private async countRedisKeys(): Promise<Map<string, number> | undefined> {
    const guard = this.guard;
    if (!guard?.available()) return undefined;
    const counts = new Map<string, number>();
    const ns = this.namespace;
    let cursor = "0";
    do {
      const page = await guard.run((d) => d.scanPage(cursor, `${escapeGlob(ns)}*`));
      if (page === FAILED) return undefined;
      cursor = page[0];
      for (const full of page[1]) {
        const key = full.slice(ns.length);
        if (key.startsWith("__")) continue;
        const p = prefixOf(key);
        counts.set(p, (counts.get(p) ?? 0) + 1);
      }
    } while (cursor !== "0");
    return counts;
  }

  private countL1Keys(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const key of this.l1.freshKeys()) {
      const p = prefixOf(key);
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    return counts;
  }

  private onBusMessage(raw: string): void {
    let m: BusMessage;
    try {
      m = JSON.parse(raw) as BusMessage;
    } catch {
      return;
    }
    if (m.o === this.instanceId) return;
    if (m.c) {
      this.invalidateAllLocal();
      return;
    }
    if (m.k) {
      this.markInvalidated(m.k);
      for (const key of m.k) this.l1.delete(key);
    }
    for (const prefix of m.p ?? []) {
      this.markPrefixInvalidated(prefix);
      this.l1.deleteByPrefix(prefix);
    }
  }

  private invalidateAllLocal(): void {
    this.seq++;
    this.clearSeq = this.seq;
    this.l1.clear();
  }

  private busMessage(body: Omit<BusMessage, "o">): string {
    return JSON.stringify({ o: this.instanceId, ...body });
  }

  private announcement(body: Omit<BusMessage, "o">): Announcement {
    return { channel: this.channel, message: this.busMessage(body) };
  }

  private beginLoad(): number {
    this.activeLoads++;
    return this.seq;
  }

  private endLoad(): void {
    this.activeLoads--;
    if (this.activeLoads === 0) {
      this.keyInvalidated.clear();
      this.prefixInvalidated.clear();
    }
  }

  private markInvalidated(keys: string[]): void {
    if (this.activeLoads === 0) return;
    this.seq++;
    for (const key of keys) this.keyInvalidated.set(key, this.seq);
  }

  private markPrefixInvalidated(prefix: string): void {
    this.seq++;
    if (this.activeLoads > 0) this.prefixInvalidated.set(prefix, this.seq);
  }

  private invalidatedSince(key: string, seq0: number): boolean {
    if (this.clearSeq > seq0) return true;
    if ((this.keyInvalidated.get(key) ?? 0) > seq0) return true;
    for (const [prefix, at] of this.prefixInvalidated) if (at > seq0 && key.startsWith(prefix)) return true;
    return false;
  }

  private addPending(keys: string[]): void {
    for (const key of keys) this.pendingKeys.add(key);
    if (this.pendingKeys.size > MAX_PENDING) {
      this.pendingKeys.clear();
      this.pendingClear = true;
    }
  }

  private addPendingPrefix(prefix: string): void {
    this.pendingPrefixes.add(prefix);
  }

  /** After an outage: apply to Redis (and other instances) the invalidations it missed. */
  private async replayPending(): Promise<void> {
    if (this.pendingClear) {
      this.pendingClear = false;
      this.pendingKeys.clear();
      this.pendingPrefixes.clear();
      await this.clear();
      return;
    }
    const keys = [...this.pendingKeys];
    const prefixes = [...this.pendingPrefixes];
    this.pendingKeys.clear();
    this.pendingPrefixes.clear();
    for (let i = 0; i < keys.length; i += 1000) await this.delete(...keys.slice(i, i + 1000));
    for (const prefix of prefixes) await this.deleteByPrefix(prefix);
  }
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, "\\$&");
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)} ${units[i]}`;
}
