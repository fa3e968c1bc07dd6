import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { checkHealth } from "../../services/health.js";
import { type OptionalStaffVariables, optionalStaff } from "../middleware/staff.js";

const ComponentSchema = z
  .object({
    status: z.enum(["up", "degraded", "down", "disabled"]).openapi({
      description:
        "up; degraded (works, not fully: e.g. the remote model does not answer and the offline assistant stands in); down; disabled (an optional part that is off)",
    }),
    latencyMs: z
      .number()
      .optional()
      .openapi({ description: "How long this check (or the model's last probe) took" }),
    detail: z.string().optional().openapi({ description: "Staff only: what the part is, or why it fails" }),
    error: z.string().optional().openapi({ description: "Staff only: why the part is down or degraded" }),
    provider: z.enum(["offline", "openai", "compatible"]).optional().openapi({ description: "model only" }),
    mode: z.enum(["webhook", "polling"]).optional().openapi({ description: "telegram only" }),
    running: z.boolean().optional().openapi({ description: "telegram only: whether the bot runs" }),
  })
  .openapi("HealthComponent");

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded", "down"]).openapi({
      description: "down when the database is down (503); degraded when any other part is down or degraded",
    }),
    uptimeSeconds: z.number(),
    components: z.record(z.string(), ComponentSchema).openapi({
      description:
        "database, cache.memory, cache.redis or cache.upstash (when configured), model, telegram (when TELEGRAM_BOT_TOKEN is set), queue (when the job runner runs)",
      example: {
        database: { status: "up", latencyMs: 0.42 },
        "cache.memory": { status: "up" },
        "cache.redis": { status: "up", latencyMs: 0.31 },
        model: { status: "up", provider: "compatible", latencyMs: 12.5 },
        telegram: { status: "up", mode: "polling", running: true },
        queue: { status: "up", latencyMs: 1.1 },
      },
    }),
  })
  .openapi("Health");

const route = createRoute({
  method: "get",
  path: "/health",
  tags: ["system"],
  summary: "Health of the database, cache tiers, queue, assistant model and Telegram",
  description:
    "Open to everyone (load balancers, uptime checks). Error texts (`detail`, `error`) are shown to staff only. The remote model is probed with GET <base URL>/models (2 s timeout), at most once per 30 s.",
  responses: {
    200: {
      description: "Everything needed is up (optional parts may be down)",
      content: { "application/json": { schema: HealthSchema } },
    },
    503: { description: "The database is down", content: { "application/json": { schema: HealthSchema } } },
  },
});

export function healthRoutes(deps: Deps) {
  const who = optionalStaff(deps);
  const r = new OpenAPIHono<{ Variables: OptionalStaffVariables }>();
  // Who is asking decides only how much is said: a failed staff lookup (database down) is anonymous.
  r.use("/health", async (c, next) => {
    await who(c, async () => {}).catch(() => {});
    await next();
  });
  return r.openapi(route, async (c) => {
    const report = await checkHealth(deps);
    // An error's text (hosts, ports, user names) is for staff; everyone else gets the statuses.
    const components = c.get("staff")
      ? report.components
      : Object.fromEntries(
          Object.entries(report.components).map(([k, { detail: _detail, error: _error, ...v }]) => [k, v]),
        );
    return c.json({ ...report, components }, report.status === "down" ? 503 : 200);
  });
}
