/**
 * withLock: run `fn` while holding a named lock, one holder at a time across every instance.
 *
 *   await withLock(deps, CacheKeys.lock("conversation", id), { ttlMs: 30_000, waitMs: 10_000 }, () => runTurn());
 *
 * With Redis: SET key token NX PX ttl, renewed every ttl/2 while `fn` runs, released only by its
 * holder (token-checked Lua). Always also an in-process mutex on the same key, so callers in one
 * process queue in order without polling Redis, and the lock still holds per instance when
 * Redis is down (then it is per instance only; the outage is logged by the cache).
 * Throws AppError CONFLICT when the lock is not free within `waitMs`.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { AppError } from "../errors.js";
import { redisClientOf, TwoTierCache } from "./index.js";
import { CacheTTL } from "./keys.js";
import type { AppCache } from "./types.js";

export interface LockOptions {
  /** How long the lock lives if its holder dies; renewed while `fn` runs. @default 10_000 (CacheTTL.lock) */
  ttlMs?: number;
  /** How long to wait for a busy lock before giving up with CONFLICT. @default 5_000 */
  waitMs?: number;
  /**
   * Send the Redis release and return without waiting for its reply. Safe for the next holder in
   * this process (its SET NX follows the release on the same connection); another instance may
   * find the key still set for that round trip and retries as it would anyway. @default false
   */
  releaseInBackground?: boolean;
}

type CacheOwner = AppCache | { cache: AppCache };

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RETRY_MS = 25;

type LockClient = Redis & {
  skLockRelease(numKeys: number, key: string, token: string): Promise<number>;
  skLockRenew(numKeys: number, key: string, token: string, ttlMs: string): Promise<number>;
};
const scripted = new WeakSet<Redis>();

/** The client with the release and renew scripts defined (EVALSHA; EVAL once if Redis lost them). */
function lockClient(client: Redis): LockClient {
  if (!scripted.has(client)) {
    client.defineCommand("skLockRelease", { lua: RELEASE });
    client.defineCommand("skLockRenew", { lua: RENEW });
    scripted.add(client);
  }
  return client as LockClient;
}

/** Per cache (one per app instance): the in-process queue of each key. */
const localQueues = new WeakMap<AppCache, Map<string, Promise<void>>>();

export async function withLock<T>(
  owner: CacheOwner,
  key: string,
  opts: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const cache = "cache" in owner ? owner.cache : owner;
  const ttlMs = opts.ttlMs ?? CacheTTL.lock * 1000;
  const waitMs = opts.waitMs ?? 5_000;
  const deadline = Date.now() + waitMs;
  let queues = localQueues.get(cache);
  if (!queues) {
    queues = new Map();
    localQueues.set(cache, queues);
  }
  const releaseLocal = await acquireLocal(queues, key, waitMs);
  try {
    const client = cache instanceof TwoTierCache && cache.l2Available() ? redisClientOf(cache) : undefined;
    if (!client) return await fn();
    const redis = lockClient(client);
    const fullKey = (cache as TwoTierCache).namespace + key;
    const token = randomUUID();
    const held = await acquireRedis(redis, fullKey, token, ttlMs, deadline);
    if (held === "busy") throw busy(key);
    if (held === "unavailable") return await fn();
    const renew = setInterval(
      () => {
        redis.skLockRenew(1, fullKey, token, String(ttlMs)).catch(() => {});
      },
      Math.max(10, Math.floor(ttlMs / 2)),
    );
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      const released = redis.skLockRelease(1, fullKey, token).catch(() => {});
      if (!opts.releaseInBackground) await released;
    }
  } finally {
    releaseLocal();
  }
}

async function acquireRedis(
  redis: Redis,
  key: string,
  token: string,
  ttlMs: number,
  deadline: number,
): Promise<"held" | "busy" | "unavailable"> {
  for (;;) {
    try {
      if ((await redis.set(key, token, "PX", ttlMs, "NX")) === "OK") return "held";
    } catch {
      // Redis went away mid-wait: the in-process lock already held is what we can still offer.
      return "unavailable";
    }
    const left = deadline - Date.now();
    if (left <= 0) return "busy";
    await new Promise((r) => setTimeout(r, Math.min(left, RETRY_MS + Math.random() * RETRY_MS)));
  }
}

/** FIFO mutex per key within this process; resolves with the release function. */
function acquireLocal(tails: Map<string, Promise<void>>, key: string, waitMs: number): Promise<() => void> {
  const prev = tails.get(key) ?? Promise.resolve();
  let releaseMine!: () => void;
  const mine = new Promise<void>((r) => {
    releaseMine = r;
  });
  const tail = prev.then(() => mine);
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return new Promise((resolve, reject) => {
    let gaveUp = false;
    const timer = setTimeout(() => {
      gaveUp = true;
      reject(busy(key));
    }, waitMs);
    void prev.then(() => {
      clearTimeout(timer);
      // A waiter that gave up still takes its turn in the queue, and passes it on at once.
      if (gaveUp) releaseMine();
      else resolve(releaseMine);
    });
  });
}

function busy(key: string): AppError {
  return new AppError("CONFLICT", `lock ${key} is busy`, {
    userMessage: "Still working on your previous message; try again in a moment",
  });
}
