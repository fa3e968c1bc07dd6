/** Counts and times every HTTP request, labelled by the matched route pattern (never the raw URL). */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { httpDuration, httpRequests } from "./registry.js";

export function httpMetrics(): MiddlewareHandler {
  return async function httpMetricsMiddleware(c, next) {
    const t0 = performance.now();
    try {
      await next();
    } finally {
      const labels = {
        method: c.req.method,
        route: routePath(c, -1) || "unmatched",
        status: String(c.res.status),
      };
      httpRequests.inc(labels);
      httpDuration.observe(labels, (performance.now() - t0) / 1000);
    }
  };
}
