/**
 * /api/admin/conversations (staff): list (filter by customer, channel, open/ended) and one
 * conversation with its messages. Takeover endpoints live in their own router under the same
 * path (orders/Telegram area).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { getConversationWithMessages, listConversations } from "../../services/conversation-admin.js";
import { type StaffVariables, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

const Row = z.object({}).loose().openapi("AdminConversation");

const ListQuery = z.object({
  profileId: z.uuid().optional(),
  channel: z.enum(["web", "telegram"]).optional(),
  status: z.enum(["open", "ended"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(200),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const errs = {
  400: jsonContent(ErrorSchema, "Invalid input (the field is named)"),
  401: jsonContent(ErrorSchema, "Staff sign-in required"),
  404: jsonContent(ErrorSchema, "No such conversation"),
};

export function conversationAdminRoutes(deps: Deps) {
  const list = createRoute({
    method: "get",
    path: "/",
    tags: ["admin: conversations"],
    summary: "Conversations, most recent activity first",
    security: staffSecurity,
    request: { query: ListQuery },
    responses: { 200: jsonContent(z.object({ items: z.array(Row), total: z.number() }), "A page"), ...errs },
  });
  const one = createRoute({
    method: "get",
    path: "/{id}",
    tags: ["admin: conversations"],
    summary: "One conversation with its messages (oldest first, paginated)",
    security: staffSecurity,
    request: { params: z.object({ id: z.uuid() }), query: PageQuery },
    responses: {
      200: jsonContent(
        z.object({ conversation: Row, messages: z.array(z.object({}).loose()) }),
        "The conversation",
      ),
      ...errs,
    },
  });
  return newRouter<{ Variables: StaffVariables }>()
    .openapi(list, async (c) => c.json(await listConversations(deps, c.req.valid("query")), 200))
    .openapi(one, async (c) =>
      c.json(await getConversationWithMessages(deps, c.req.valid("param").id, c.req.valid("query")), 200),
    );
}
