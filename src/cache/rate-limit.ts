/**
 * Rate limits (seed 004): fixed windows counted in Redis under `rate_limit:<scope>:<id>`, with an
 * in-memory insurance limiter that takes over per instance while Redis is down or not ready, so
 * the limit still holds (per instance) during an outage. Without Redis (or with Upstash), memory
 * only. Several limits of one request (per IP and per customer) are counted in one Redis command:
 * a small Lua script (INCR, PEXPIRE when the window is new, PTTL) over all their keys.
 */
import type { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { redisClientOf, TwoTierCache } from "./index.js";
import type { AppCache } from "./types.js";

export interface RateLimitRule {
  /** Requests allowed per window. */
  points: number;
  /** Window length, seconds. @default 60 */
  duration?: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (what Retry-After says when refused). */
  retryAfterSeconds: number;
}

/** One limit to count a request against: `key` is "customer:<id>", "ip:<addr>", "telegram:<user id>". */
export interface RateLimitCheck {
  key: string;
  rule: RateLimitRule;
}

/*
 * KEYS: the counters, in order; ARGV: window (ms) and limit of each. Each counter is incremented,
 * its window started on the first request (or repaired if it somehow lost its expiry); counting
 * stops after the first counter over its limit, as a request refused by one limit never reaches
 * the next. Returns count and ms left of each counter counted.
 */
const CONSUME_LUA = `local out = {}
for i = 1, #KEYS do
  local n = redis.call('INCR', KEYS[i])
  local ttl = -1
  if n > 1 then ttl = redis.call('PTTL', KEYS[i]) end
  if ttl < 0 then
    ttl = tonumber(ARGV[2 * i - 1])
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
  out[#out + 1] = n
  out[#out + 1] = ttl
  if n > tonumber(ARGV[2 * i]) then break end
end
return out`;

/* KEYS[1]: a counter; gives one request back (never below zero, never starts a window). */
const REFUND_LUA = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n and n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

type ScriptClient = Redis & {
  skRateLimit(numKeys: number, ...args: Array<string | number>): Promise<number[]>;
  skRateRefund(numKeys: number, key: string): Promise<number>;
};

const scripted = new WeakSet<Redis>();

/** The client with the script defined on it (EVALSHA, falling back to EVAL once if Redis lost it). */
function scriptClient(client: Redis): ScriptClient {
  if (!scripted.has(client)) {
    client.defineCommand("skRateLimit", { lua: CONSUME_LUA });
    client.defineCommand("skRateRefund", { lua: REFUND_LUA });
    scripted.add(client);
  }
  return client as ScriptClient;
}

/** The in-memory (insurance) limiters of a cache, one per rule. */
const memoryLimiters = new WeakMap<AppCache, Map<string, RateLimiterAbstract>>();

function memoryLimiter(cache: AppCache, rule: Required<RateLimitRule>): RateLimiterAbstract {
  let perCache = memoryLimiters.get(cache);
  if (!perCache) {
    perCache = new Map();
    memoryLimiters.set(cache, perCache);
  }
  const id = `${rule.points}/${rule.duration}`;
  let limiter = perCache.get(id);
  if (!limiter) {
    limiter = new RateLimiterMemory({
      points: rule.points,
      duration: rule.duration,
      keyPrefix: `${namespaceOf(cache)}rate_limit`,
    });
    perCache.set(id, limiter);
  }
  return limiter;
}

function namespaceOf(cache: AppCache): string {
  return cache instanceof TwoTierCache ? cache.namespace : "";
}

/**
 * Counts one request for `key` ("customer:<id>", "ip:<addr>", "telegram:<user id>") against the
 * rule (default: RATE_LIMIT_PER_MINUTE per minute) and says whether it may go ahead.
 */
export async function consumeRateLimit(
  deps: { cache: AppCache; config: { rateLimitPerMinute: number } },
  key: string,
  rule: RateLimitRule = { points: deps.config.rateLimitPerMinute },
): Promise<RateLimitResult> {
  const [result] = await consumeRateLimits(deps, [{ key, rule }]);
  return result as RateLimitResult;
}

/**
 * Counts one request against each check, in order, in one Redis command, and stops at the first
 * limit it is over (the later ones are not counted): the results end with that refused one, or
 * have one per check when the request may go ahead. While Redis is down or not ready, each
 * instance counts in memory.
 */
export async function consumeRateLimits(
  deps: { cache: AppCache },
  checks: RateLimitCheck[],
): Promise<RateLimitResult[]> {
  const rules = checks.map((c) => ({ points: c.rule.points, duration: c.rule.duration ?? 60 }));
  const client = redisClientOf(deps.cache);
  // Not connected: straight to memory, never wait for a reconnect.
  if (client?.status === "ready") {
    const ns = namespaceOf(deps.cache);
    const args: Array<string | number> = checks.map((c) => `${ns}rate_limit:${c.key}`);
    for (const rule of rules) args.push(rule.duration * 1000, rule.points);
    try {
      const reply = await scriptClient(client).skRateLimit(checks.length, ...args);
      const out: RateLimitResult[] = [];
      for (let i = 0; i * 2 < reply.length; i++) {
        const { points } = rules[i]!;
        const consumed = Number(reply[i * 2]);
        out.push({
          allowed: consumed <= points,
          limit: points,
          remaining: Math.max(points - consumed, 0),
          retryAfterSeconds: secs(Number(reply[i * 2 + 1])),
        });
      }
      return out;
    } catch {
      // Redis failed or timed out: the memory limiters answer (as the insurance limiter did).
    }
  }
  const out: RateLimitResult[] = [];
  for (let i = 0; i < checks.length; i++) {
    const result = await consumeInMemory(deps.cache, checks[i]!.key, rules[i]!);
    out.push(result);
    if (!result.allowed) break;
  }
  return out;
}

/**
 * Gives back one request counted by consumeRateLimits for `key` (for example a sign-in that
 * succeeded, when only failures should use up the limit). Never below zero.
 */
export async function refundRateLimit(
  deps: { cache: AppCache },
  key: string,
  rule: RateLimitRule,
): Promise<void> {
  const client = redisClientOf(deps.cache);
  if (client?.status === "ready") {
    try {
      await scriptClient(client).skRateRefund(1, `${namespaceOf(deps.cache)}rate_limit:${key}`);
      return;
    } catch {
      // Redis failed: the memory limiter is the one counting now.
    }
  }
  const limiter = memoryLimiter(deps.cache, { points: rule.points, duration: rule.duration ?? 60 });
  const held = await limiter.get(key);
  if (held && held.consumedPoints > 0) await limiter.reward(key, 1);
}

async function consumeInMemory(
  cache: AppCache,
  key: string,
  rule: Required<RateLimitRule>,
): Promise<RateLimitResult> {
  try {
    const res = await memoryLimiter(cache, rule).consume(key);
    return {
      allowed: true,
      limit: rule.points,
      remaining: res.remainingPoints,
      retryAfterSeconds: secs(res.msBeforeNext),
    };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return {
        allowed: false,
        limit: rule.points,
        remaining: 0,
        retryAfterSeconds: secs(rejection.msBeforeNext),
      };
    }
    throw rejection;
  }
}

function secs(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
