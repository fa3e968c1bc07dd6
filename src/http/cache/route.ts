/**
 * /api/cache (staff only): GET stats; POST {action: warmup|warmup-menu|clear|clear-prefix, prefix?}.
 * Both answer the reference contract's fields (seed 000: GET `{available, stats: {totalKeys,
 * memoryUsage, available}, message}`, POST `{success, message, cleared?}`) beside our own.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import { CachePrefixes } from "../../cache/keys.js";
import type { Deps } from "../../deps.js";
import {
  type CacheActionResult as ActionResult,
  cacheStats,
  runCacheAction,
} from "../../services/cache-admin.js";
import { requireStaff, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

const PrefixStats = z.object({ hits: z.number(), misses: z.number(), hitRate: z.number(), keys: z.number() });

/** The reference contract's part (seed 000, `GET /api/cache`): what scripts written for it read. */
const ReferenceStats = z.object({
  totalKeys: z.number(),
  memoryUsage: z.string().openapi({
    description: 'Memory the shared tier (Redis/Upstash) uses, human-readable; "N/A" when memory only',
    example: "1.20 MB",
  }),
  memoryBytes: z.number().optional().openapi({ description: "The same in bytes, when known" }),
  available: z.boolean(),
});

export const CacheStatsSchema = z
  .object({
    available: z.boolean().openapi({ description: "Every configured tier answers" }),
    stats: ReferenceStats,
    message: z.string().openapi({ example: "Cache statistics retrieved" }),
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
    success: z.boolean().openapi({ description: "false only when a warmer failed (see `warmed`)" }),
    message: z.string().openapi({ example: 'Cleared 12 keys with prefix "menu:"' }),
    cleared: z
      .number()
      .optional()
      .openapi({ description: "clear and clear-prefix: how many keys were removed" }),
    action: z.string(),
    deleted: z.number().optional(),
    warmed: z
      .array(z.object({ name: z.string(), ok: z.boolean(), ms: z.number(), error: z.string().optional() }))
      .optional(),
    stats: CacheStatsSchema.openapi({ description: "GET /api/cache after the action" }),
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

/** GET /api/cache's body: the reference contract's fields, then our detailed stats. */
async function statsReport(deps: Deps) {
  const s = await cacheStats(deps);
  const available = s.tiers.every((t) => t.available);
  const down = s.tiers.filter((t) => !t.available).map((t) => t.name);
  const stats = {
    totalKeys: s.totalKeys,
    memoryUsage: s.memory.redisUsedHuman ?? "N/A",
    ...(s.memory.redisUsedBytes !== undefined ? { memoryBytes: s.memory.redisUsedBytes } : {}),
    available,
  };
  const message = available
    ? "Cache statistics retrieved"
    : `Cache statistics retrieved; ${down.join(", ")} not answering (memory and the database serve meanwhile; key counts are this process's memory)`;
  return { available, stats, message, ...s };
}

function actionMessage(
  r: ActionResult & { prefix?: string },
  cleared: number | undefined,
  available: boolean,
): string {
  const later = available ? "" : " (the shared tier is not answering: it is cleared there when it is back)";
  switch (r.action) {
    case "warmup":
    case "warmup-menu": {
      const warmed = r.warmed ?? [];
      const failed = warmed.filter((w) => !w.ok);
      const ok = warmed.filter((w) => w.ok).map((w) => w.name);
      if (failed.length === 0)
        return `Warmed ${ok.length} cache${ok.length === 1 ? "" : "s"}: ${ok.join(", ")}`;
      return `Warmed ${ok.length} of ${warmed.length} caches; failed: ${failed.map((w) => `${w.name} (${w.error ?? "error"})`).join(", ")}`;
    }
    case "clear":
      return `Cache cleared: ${cleared} key${cleared === 1 ? "" : "s"} removed (lock: and rate_limit: keys kept)${later}`;
    case "clear-prefix":
      return `Cleared ${cleared} key${cleared === 1 ? "" : "s"} with prefix "${r.prefix}"${later}`;
  }
}

export function cacheRoutes(deps: Deps) {
  const router = newRouter();
  router.use("/cache", requireStaff(deps));
  return router
    .openapi(statsRoute, async (c) => c.json(await statsReport(deps), 200))
    .openapi(actionRoute, async (c) => {
      const { action, prefix } = c.req.valid("json");
      // `clear` does not count what it removes: the key count before and after tells.
      const before = action === "clear" ? (await cacheStats(deps)).totalKeys : undefined;
      const result = await runCacheAction(deps, action, prefix);
      const stats = await statsReport(deps);
      const cleared =
        action === "clear-prefix"
          ? (result.deleted ?? 0)
          : before !== undefined
            ? Math.max(0, before - stats.totalKeys)
            : undefined;
      return c.json(
        {
          success: (result.warmed ?? []).every((w) => w.ok),
          message: actionMessage({ ...result, prefix }, cleared, stats.available),
          ...(cleared !== undefined ? { cleared } : {}),
          ...result,
          stats,
        },
        200,
      );
    });
}
