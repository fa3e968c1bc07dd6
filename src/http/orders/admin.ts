/** Staff-only order extras under /api/admin/orders: assign, notes, the CRM delivery log. */
import { createRoute, z } from "@hono/zod-openapi";
import { desc, eq } from "drizzle-orm";
import { newRouter } from "../../app.js";
import { webhookDeliveries } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { jsonify } from "../../services/json.js";
import { getOrderForViewer } from "../../services/orders/read.js";
import { addStaffNote, assignOrder } from "../../services/orders/staff.js";
import { type StaffVariables, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";
import { OrderSchema } from "./schemas.js";

const params = z.object({ orderId: z.uuid() });
const errors = {
  400: jsonContent(ErrorSchema, "Invalid input (the field is named)"),
  401: jsonContent(ErrorSchema, "Staff sign-in required"),
  404: jsonContent(ErrorSchema, "No such order"),
};

const assignRoute = createRoute({
  method: "post",
  path: "/{orderId}/assign",
  tags: ["admin"],
  summary: "Assign an order to a staff member (null unassigns)",
  security: staffSecurity,
  request: {
    params,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ staffId: z.uuid().nullable() }) } },
    },
  },
  responses: { 200: jsonContent(OrderSchema, "The order"), ...errors },
});

const noteRoute = createRoute({
  method: "post",
  path: "/{orderId}/notes",
  tags: ["admin"],
  summary: "Append a staff note (dated and signed)",
  security: staffSecurity,
  request: {
    params,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ note: z.string().trim().min(1).max(2000) }) } },
    },
  },
  responses: { 200: jsonContent(OrderSchema, "The order"), ...errors },
});

const deliveriesRoute = createRoute({
  method: "get",
  path: "/{orderId}/webhooks",
  tags: ["admin"],
  summary: "CRM webhook deliveries of an order (status, attempts, last error)",
  security: staffSecurity,
  request: { params },
  responses: {
    200: jsonContent(z.array(z.record(z.string(), z.unknown())), "Deliveries, newest first"),
    ...errors,
  },
});

export function orderAdminRoutes(deps: Deps) {
  return newRouter<{ Variables: StaffVariables }>()
    .openapi(assignRoute, async (c) => {
      const { orderId } = c.req.valid("param");
      const { staffId } = c.req.valid("json");
      const by = `staff:${c.get("staff").username}`;
      return c.json(await assignOrder(deps, { orderId, staffId, by }), 200);
    })
    .openapi(noteRoute, async (c) => {
      const { orderId } = c.req.valid("param");
      const { note } = c.req.valid("json");
      return c.json(await addStaffNote(deps, { orderId, note, by: c.get("staff").username }), 200);
    })
    .openapi(deliveriesRoute, async (c) => {
      const { orderId } = c.req.valid("param");
      const staff = c.get("staff");
      await getOrderForViewer(deps, orderId, { kind: "staff", staffId: staff.id, username: staff.username });
      const rows = await deps.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.orderId, orderId))
        .orderBy(desc(webhookDeliveries.createdAt));
      return c.json(jsonify(rows) as unknown as Array<Record<string, unknown>>, 200);
    });
}
