import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Deps } from "../../deps.js";
import { checkHealth } from "../../services/health.js";
import { type OptionalStaffVariables, optionalStaff } from "../middleware/staff.js";

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
      : Object.fromEntries(Object.entries(report.components).map(([k, { detail: _detail, ...v }]) => [k, v]));
    return c.json({ ...report, components }, report.status === "down" ? 503 : 200);
  });
}
