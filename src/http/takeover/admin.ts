/**
 * Staff takeover from the dashboard, under /api/admin/conversations/{id}: takeover, release,
 * message (which reaches the customer in their channel and takes the conversation over).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { release, sendStaffMessage, takeOver } from "../../services/takeover.js";
import { type StaffVariables, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

const params = z.object({ id: z.uuid() });
const Conversation = z
  .object({ id: z.string(), takeoverBy: z.string().nullable(), takeoverUntil: z.string().nullable() })
  .loose()
  .openapi("ConversationTakeover");
const errors = {
  400: jsonContent(ErrorSchema, "Invalid input (the field is named)"),
  401: jsonContent(ErrorSchema, "Staff sign-in required"),
  404: jsonContent(ErrorSchema, "No such conversation"),
};

const takeoverRoute = createRoute({
  method: "post",
  path: "/{id}/takeover",
  tags: ["admin"],
  summary: "Take the conversation over: the assistant stays silent until release or timeout",
  security: staffSecurity,
  request: { params },
  responses: { 200: jsonContent(Conversation, "The conversation"), ...errors },
});
const releaseRoute = createRoute({
  method: "post",
  path: "/{id}/release",
  tags: ["admin"],
  summary: "Hand the conversation back to the assistant",
  security: staffSecurity,
  request: { params },
  responses: { 200: jsonContent(Conversation, "The conversation"), ...errors },
});
const messageRoute = createRoute({
  method: "post",
  path: "/{id}/message",
  tags: ["admin"],
  summary: "Write to the customer (Telegram: sent by the bot; web: shown on the widget's next poll)",
  security: staffSecurity,
  request: {
    params,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ text: z.string().trim().min(1).max(4000) }) } },
    },
  },
  responses: {
    201: jsonContent(
      z.object({ id: z.string(), role: z.string(), content: z.string() }).loose(),
      "The message",
    ),
    ...errors,
  },
});

export function takeoverAdminRoutes(deps: Deps) {
  return newRouter<{ Variables: StaffVariables }>()
    .openapi(takeoverRoute, async (c) => {
      const staff = c.get("staff");
      return c.json(await takeOver(deps, c.req.valid("param").id, staff), 200);
    })
    .openapi(releaseRoute, async (c) => c.json(await release(deps, c.req.valid("param").id), 200))
    .openapi(messageRoute, async (c) => {
      const staff = c.get("staff");
      const { text } = c.req.valid("json");
      return c.json(
        await sendStaffMessage(deps, { conversationId: c.req.valid("param").id, staff, text }),
        201,
      );
    });
}
