/**
 * Rate limits (seed 004): fixed windows counted in Redis under `rate_limit:<scope>:<id>`, with an
 * in-memory insurance limiter that takes over per instance while Redis is down or not ready, so
 * the limit still holds (per instance) during an outage. Without Redis, memory only.
 */
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
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

const limiters = new WeakMap<AppCache, Map<string, RateLimiterAbstract>>();

function limiterFor(cache: AppCache, rule: Required<RateLimitRule>): RateLimiterAbstract {
  let perCache = limiters.get(cache);
  if (!perCache) {
    perCache = new Map();
    limiters.set(cache, perCache);
  }
  const id = `${rule.points}/${rule.duration}`;
  let limiter = perCache.get(id);
  if (!limiter) {
    const namespace = cache instanceof TwoTierCache ? cache.namespace : "";
    const keyPrefix = `${namespace}rate_limit`;
    const memory = new RateLimiterMemory({ points: rule.points, duration: rule.duration, keyPrefix });
    const client = redisClientOf(cache);
    limiter = client
      ? new RateLimiterRedis({
          storeClient: client,
          points: rule.points,
          duration: rule.duration,
          keyPrefix,
          insuranceLimiter: memory,
          // Not connected → straight to the insurance limiter, never wait for a reconnect.
          rejectIfRedisNotReady: true,
        })
      : memory;
    perCache.set(id, limiter);
  }
  return limiter;
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
  const full = { points: rule.points, duration: rule.duration ?? 60 };
  try {
    const res = await limiterFor(deps.cache, full).consume(key);
    return {
      allowed: true,
      limit: full.points,
      remaining: res.remainingPoints,
      retryAfterSeconds: secs(res.msBeforeNext),
    };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return {
        allowed: false,
        limit: full.points,
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
