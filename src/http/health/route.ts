import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { checkHealth } from "../../services/health.js";

const ComponentSchema = z.object({
  status: z.enum(["up", "down", "disabled"]),
  latencyMs: z.number().optional(),
  detail: z.string().optional(),
});

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded", "down"]),
    uptimeSeconds: z.number(),
    components: z.record(z.string(), ComponentSchema),
  })
  .openapi("Health");

const route = createRoute({
  method: "get",
  path: "/health",
  tags: ["system"],
  summary: "Health of the database, cache tiers, queue, assistant and Telegram",
  responses: {
    200: {
      description: "Everything needed is up (optional parts may be down)",
      content: { "application/json": { schema: HealthSchema } },
    },
    503: { description: "The database is down", content: { "application/json": { schema: HealthSchema } } },
  },
});

export function healthRoutes(deps: Deps) {
  return new OpenAPIHono().openapi(route, async (c) => {
    const report = await checkHealth(deps);
    return c.json(report, report.status === "down" ? 503 : 200);
  });
}
