/** /api/cache (staff only): GET stats; POST {action: warmup|warmup-menu|clear|clear-prefix, prefix?}. */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import { CachePrefixes } from "../../cache/keys.js";
import type { Deps } from "../../deps.js";
import { cacheStats, runCacheAction } from "../../services/cache-admin.js";
import { requireStaff, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

const PrefixStats = z.object({ hits: z.number(), misses: z.number(), hitRate: z.number(), keys: z.number() });

export const CacheStatsSchema = z
  .object({
    tiers: z.array(z.object({ name: z.enum(["memory", "redis", "upstash"]), available: z.boolean() })),
    hits: z.number(),
    misses: z.number(),
    hitRate: z.number().openapi({ example: 0.87 }),
    l1Hits: z.number().optional(),
    l2Hits: z.number().optional(),
    byPrefix: z.record(z.string(), PrefixStats),
    totalKeys: z.number(),
    memory: z.object({
      l1Entries: z.number(),
      redisUsedBytes: z.number().optional(),
      redisUsedHuman: z.string().optional(),
    }),
  })
  .openapi("CacheStats");

export const CacheActionBody = z
  .object({
    action: z.enum(["warmup", "warmup-menu", "clear", "clear-prefix"]),
    prefix: z
      .string()
      .optional()
      .openapi({ description: "Required for clear-prefix; one of the known prefixes", example: "menu:" }),
  })
  .openapi("CacheAction");

const CacheActionResponse = z
  .object({
    action: z.string(),
    deleted: z.number().optional(),
    warmed: z
      .array(z.object({ name: z.string(), ok: z.boolean(), ms: z.number(), error: z.string().optional() }))
      .optional(),
    stats: CacheStatsSchema,
  })
  .openapi("CacheActionResult");

const statsRoute = createRoute({
  method: "get",
  path: "/cache",
  tags: ["cache"],
  summary: "Cache stats: tier availability, hits, misses, hit rate and keys per prefix, Redis memory",
  security: staffSecurity,
  responses: {
    200: jsonContent(CacheStatsSchema, "Current cache statistics"),
    401: jsonContent(ErrorSchema, "Staff sign-in required"),
  },
});

const actionRoute = createRoute({
  method: "post",
  path: "/cache",
  tags: ["cache"],
  summary: "Warm up or clear the cache",
  description: `clear-prefix accepts only these prefixes: ${CachePrefixes.join(", ")}`,
  security: staffSecurity,
  request: { body: { content: { "application/json": { schema: CacheActionBody } }, required: true } },
  responses: {
    200: jsonContent(CacheActionResponse, "The action ran; stats after it"),
    400: jsonContent(ErrorSchema, "Unknown action or prefix"),
    401: jsonContent(ErrorSchema, "Staff sign-in required"),
  },
});

export function cacheRoutes(deps: Deps) {
  const router = newRouter();
  router.use("/cache", requireStaff(deps));
  return router
    .openapi(statsRoute, async (c) => c.json(await cacheStats(deps), 200))
    .openapi(actionRoute, async (c) => {
      const { action, prefix } = c.req.valid("json");
      const result = await runCacheAction(deps, action, prefix);
      return c.json({ ...result, stats: await cacheStats(deps) }, 200);
    });
}
