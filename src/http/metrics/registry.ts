/**
 * The Prometheus registry served on GET /metrics. Other areas add their own metrics to it:
 * `new Counter({ name: "shopkeeper_…", help, labelNames, registers: [metricsRegistry] })`.
 * Names start with `shopkeeper_`; labels stay low-cardinality (never ids, phones or text).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: "shopkeeper_" });

const registers = [metricsRegistry];

export const httpRequests = new Counter({
  name: "shopkeeper_http_requests_total",
  help: "HTTP requests by method, route pattern and status",
  labelNames: ["method", "route", "status"] as const,
  registers,
});

export const httpDuration = new Histogram({
  name: "shopkeeper_http_request_duration_seconds",
  help: "HTTP request duration by method, route pattern and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

// Cache figures are read from cache.stats() at scrape time (see cache-metrics.ts), so they are
// gauges mirroring the counters GET /api/cache shows.
export const cacheHits = new Gauge({
  name: "shopkeeper_cache_hits",
  help: "Cache hits since start, by key prefix",
  labelNames: ["prefix"] as const,
  registers,
});
export const cacheMisses = new Gauge({
  name: "shopkeeper_cache_misses",
  help: "Cache misses (loader or database reads) since start, by key prefix",
  labelNames: ["prefix"] as const,
  registers,
});
export const cacheHitRate = new Gauge({
  name: "shopkeeper_cache_hit_ratio",
  help: 'Cache hit rate since start (0-1), overall (prefix="all") and by key prefix',
  labelNames: ["prefix"] as const,
  registers,
});
export const cacheTierHits = new Gauge({
  name: "shopkeeper_cache_tier_hits",
  help: "Cache hits since start by tier (memory = L1, redis = L2)",
  labelNames: ["tier"] as const,
  registers,
});
export const cacheKeys = new Gauge({
  name: "shopkeeper_cache_keys",
  help: "Keys in the cache by prefix (Redis when available, else this process's memory)",
  labelNames: ["prefix"] as const,
  registers,
});
export const cacheTierAvailable = new Gauge({
  name: "shopkeeper_cache_tier_available",
  help: "1 when the cache tier answers, 0 when it is down",
  labelNames: ["tier"] as const,
  registers,
});
export const cacheL1Entries = new Gauge({
  name: "shopkeeper_cache_memory_entries",
  help: "Entries held in this process's memory tier",
  registers,
});
export const redisUsedMemory = new Gauge({
  name: "shopkeeper_cache_redis_used_memory_bytes",
  help: "Memory used by Redis (INFO memory used_memory)",
  registers,
});
