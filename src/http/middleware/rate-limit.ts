/**
 * rateLimit(deps, {scope, points, duration}): 429 `{error:{code:"RATE_LIMITED"}}` with
 * Retry-After once a customer or an IP is over its limit (seed 004: 100 requests a minute per
 * customer by default). The customer is the signed-cookie id (never a client-claimed id); a
 * request without a valid cookie is counted by IP. The IP is the socket's, or X-Forwarded-For
 * only when the peer is a trusted proxy (see client-ip.ts).
 *
 * rateLimit(deps, [{scope: "ip"}, {scope: "customer"}]) checks several limits in one middleware
 * and one Redis command, in order, exactly as the same middlewares one after the other would: a
 * request refused by one limit is not counted by the next, and the headers are those of the
 * limit that refused it, else of the last one.
 */
import type { Context, MiddlewareHandler } from "hono";
import { consumeRateLimits, type RateLimitCheck } from "../../cache/rate-limit.js";
import type { Deps } from "../../deps.js";
import { clientIp } from "../client-ip.js";
import { errorBody } from "../errors.js";
import { signedCustomerCookie } from "./customer.js";

export interface RateLimitOptions {
  scope: "customer" | "ip";
  /** Requests per window. @default RATE_LIMIT_PER_MINUTE (customer) / RATE_LIMIT_PER_IP_PER_MINUTE (ip) */
  points?: number;
  /** Window, seconds. @default 60 */
  duration?: number;
}

const VALID_CUSTOMER = /^u_[0-9a-f-]{36}$/;

export function rateLimit(deps: Deps, opts: RateLimitOptions | RateLimitOptions[]): MiddlewareHandler {
  const limits = (Array.isArray(opts) ? opts : [opts]).map((o) => ({
    scope: o.scope,
    rule: {
      points:
        o.points ??
        (o.scope === "customer" ? deps.config.rateLimitPerMinute : deps.config.rateLimitPerIpPerMinute),
      duration: o.duration ?? 60,
    },
  }));
  if (limits.length === 0) throw new Error("rateLimit: no limit given");
  return async function rateLimitMiddleware(c, next) {
    const checks: RateLimitCheck[] = [];
    for (const { scope, rule } of limits) {
      const key =
        scope === "customer"
          ? await customerKey(c, deps)
          : `ip:${clientIp(c, deps.config.http.trustedProxies)}`;
      checks.push({ key, rule });
    }
    const results = await consumeRateLimits(deps, checks);
    // The first refusal ends the list; otherwise the last limit speaks.
    const result = results[results.length - 1]!;
    c.header("RateLimit-Limit", String(result.limit));
    c.header("RateLimit-Remaining", String(result.remaining));
    if (!result.allowed) {
      c.header("Retry-After", String(result.retryAfterSeconds));
      return c.json(
        errorBody("RATE_LIMITED", `Too many requests; try again in ${result.retryAfterSeconds} s`),
        429,
      );
    }
    await next();
  };
}

async function customerKey(c: Context, deps: Deps): Promise<string> {
  const set = (c.var as { customerId?: string }).customerId;
  const id = set ?? signedCustomerCookie(c, deps.cookieSecret);
  // A cookieless customer is counted by address, under its own key (not the per-IP limit's).
  return typeof id === "string" && VALID_CUSTOMER.test(id)
    ? `customer:${id}`
    : `customer:ip:${clientIp(c, deps.config.http.trustedProxies)}`;
}
