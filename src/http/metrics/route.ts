/**
 * GET /metrics: Prometheus text format. Open like /api/health (Prometheus scrapes without a
 * login); it carries counts and timings only, never ids, phones or message text.
 */
import { Hono } from "hono";
import type { Deps } from "../../deps.js";
import { updateCacheMetrics } from "./cache-metrics.js";
import { metricsRegistry } from "./registry.js";

export function metricsRoutes(deps: Deps) {
  return new Hono().get("/metrics", async (c) => {
    await updateCacheMetrics(deps.cache).catch((err) =>
      deps.logger.warn({ err: err?.message }, "cache metrics failed"),
    );
    c.header("content-type", metricsRegistry.contentType);
    return c.body(await metricsRegistry.metrics());
  });
}
