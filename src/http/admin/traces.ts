/** GET /api/admin/traces (paginated, by conversation) and GET /api/admin/traces/cost?by=conversation|day. */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { costReport, listTraces } from "../../services/traces.js";
import { type StaffVariables, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, IsoDateTime, jsonContent } from "../schemas.js";

const TraceSchema = z
  .object({
    id: z.string(),
    traceId: z.string(),
    conversationId: z.string().nullable(),
    userProfileId: z.string().nullable(),
    nodeName: z.string(),
    stateName: z.string().nullable(),
    inputSnapshot: z.unknown(),
    outputSnapshot: z.unknown(),
    status: z.enum(["SUCCESS", "ERROR", "BLOCKED", "ESCALATED"]),
    errorCategory: z.string().nullable(),
    errorMessage: z.string().nullable(),
    latencyMs: z.number(),
    tokensIn: z.number(),
    tokensOut: z.number(),
    cost: z.string().openapi({ example: "0.000450", description: "USD, exact decimal" }),
    modelName: z.string(),
    createdAt: z.string(),
  })
  .openapi("LlmTrace");

const ListQuery = z.object({
  conversationId: z.uuid().optional(),
  status: z.enum(["SUCCESS", "ERROR", "BLOCKED", "ESCALATED"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const CostQuery = z.object({
  by: z.enum(["conversation", "day"]).default("day"),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const CostRowSchema = z
  .object({
    key: z.string().openapi({ description: "Conversation id or UTC day (YYYY-MM-DD)" }),
    calls: z.number(),
    errors: z.number(),
    tokensIn: z.number(),
    tokensOut: z.number(),
    cost: z.string(),
    avgLatencyMs: z.number(),
  })
  .openapi("TraceCost");

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["admin"],
  summary: "Model call traces, newest first",
  security: staffSecurity,
  request: { query: ListQuery },
  responses: {
    200: jsonContent(z.object({ items: z.array(TraceSchema), total: z.number() }), "A page of traces"),
    400: jsonContent(ErrorSchema, "A filter is invalid"),
    401: jsonContent(ErrorSchema, "Staff sign-in required"),
  },
});

const costRoute = createRoute({
  method: "get",
  path: "/cost",
  tags: ["admin"],
  summary: "Model cost per conversation or per day",
  security: staffSecurity,
  request: { query: CostQuery },
  responses: {
    200: jsonContent(
      z.object({ by: z.enum(["conversation", "day"]), rows: z.array(CostRowSchema) }),
      "Cost rows",
    ),
    400: jsonContent(ErrorSchema, "A parameter is invalid"),
    401: jsonContent(ErrorSchema, "Staff sign-in required"),
  },
});

export function traceAdminRoutes(deps: Deps) {
  return newRouter<{ Variables: StaffVariables }>()
    .openapi(listRoute, async (c) => {
      const q = c.req.valid("query");
      const page = await listTraces(deps.db, q);
      return c.json({ items: page.items as z.infer<typeof TraceSchema>[], total: page.total }, 200);
    })
    .openapi(costRoute, async (c) => {
      const q = c.req.valid("query");
      const rows = await costReport(deps.db, q.by, {
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
      });
      return c.json({ by: q.by, rows }, 200);
    });
}
