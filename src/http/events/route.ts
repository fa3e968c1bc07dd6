/**
 * POST /api/events: what only the widget sees — voice input used, a product card viewed or
 * clicked. The customer is the one of the signed cookie (never a body field); a conversation id
 * counts only when it is theirs. Rate-limited per customer, so the widget cannot flood the
 * analytics tables.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { recordWidgetEvent, WIDGET_EVENT_TYPES } from "../../services/widget-events.js";
import { type CustomerVariables, customerIdentity } from "../middleware/customer.js";
import { rateLimit } from "../middleware/rate-limit.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

/** Events a customer may send per minute (a busy catalog page shows a few dozen cards). */
export const EVENTS_PER_MINUTE = 60;

const scalar = z.union([z.string().max(200), z.number().finite(), z.boolean()]);

export const EventBody = z
  .object({
    type: z.enum(WIDGET_EVENT_TYPES),
    productId: z.uuid().optional(),
    productName: z.string().trim().min(1).max(200).optional(),
    conversationId: z.uuid().optional(),
    /** Small extra facts (source, position, durationMs, language...). */
    data: z
      .record(z.string().max(40), scalar)
      .refine((d) => Object.keys(d).length <= 10, "at most 10 keys")
      .optional(),
  })
  .strict()
  .openapi("WidgetEvent");

const route = createRoute({
  method: "post",
  path: "/",
  tags: ["events"],
  summary: "Record a widget event: voice_input, product_view or product_click",
  request: { body: { required: true, content: { "application/json": { schema: EventBody } } } },
  responses: {
    202: jsonContent(z.object({ recorded: z.boolean() }).openapi("EventRecorded"), "Recorded"),
    400: jsonContent(ErrorSchema, "Invalid event (the field is named)"),
    429: jsonContent(ErrorSchema, "Too many events"),
  },
});

export function eventRoutes(deps: Deps) {
  const r = newRouter<{ Variables: CustomerVariables }>();
  r.use(
    "*",
    customerIdentity(deps.cookieSecret, { secure: deps.config.http.publicUrl?.startsWith("https:") }),
  );
  r.use("*", rateLimit(deps, { scope: "customer", points: EVENTS_PER_MINUTE }));
  return r.openapi(route, async (c) => {
    await recordWidgetEvent(deps, c.get("customerId"), c.req.valid("json"));
    return c.json({ recorded: true }, 202);
  });
}
