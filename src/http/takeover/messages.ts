/**
 * GET /api/agent/messages?conversationId=&after= — the customer's own conversation, so the
 * widget can poll for what staff wrote during a takeover. Another customer's conversation is a
 * 404, exactly like a missing one.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, gt } from "drizzle-orm";
import { newRouter } from "../../app.js";
import { messages } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { getConversation } from "../../services/conversations.js";
import { jsonify } from "../../services/json.js";
import { getOrCreateWebProfile } from "../../services/profiles.js";
import { isTakenOver } from "../../services/takeover.js";
import { type CustomerVariables, customerIdentity } from "../middleware/customer.js";
import { ErrorSchema, IsoDateTime, jsonContent } from "../schemas.js";

const route = createRoute({
  method: "get",
  path: "/messages",
  tags: ["chat"],
  summary: "Messages of your conversation (optionally only those after a time), oldest first",
  request: {
    query: z.object({ conversationId: z.uuid(), after: IsoDateTime.optional() }),
  },
  responses: {
    200: jsonContent(
      z.object({
        conversationId: z.string(),
        takenOver: z.boolean(),
        messages: z.array(
          z.object({ id: z.string(), role: z.string(), content: z.string(), createdAt: z.string() }).loose(),
        ),
      }),
      "The messages",
    ),
    400: jsonContent(ErrorSchema, "Invalid input"),
    404: jsonContent(ErrorSchema, "No such conversation (or not yours)"),
  },
});

export function agentMessagesRoutes(deps: Deps) {
  const router = newRouter<{ Variables: CustomerVariables }>();
  router.use(
    "/messages",
    customerIdentity(deps.cookieSecret, { secure: deps.config.http.publicUrl?.startsWith("https:") }),
  );
  return router.openapi(route, async (c) => {
    const { conversationId, after } = c.req.valid("query");
    const profile = await getOrCreateWebProfile(deps, c.get("customerId"));
    const conv = await getConversation(deps, conversationId);
    if (!conv || conv.userProfileId !== profile.id) throw AppError.notFound("Conversation");
    const rows = await deps.db
      .select({
        id: messages.id,
        role: messages.role,
        content: messages.content,
        createdAt: messages.createdAt,
      })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conv.id),
          ...(after ? [gt(messages.createdAt, new Date(after))] : []),
        ),
      )
      .orderBy(asc(messages.createdAt))
      .limit(200);
    return c.json(
      {
        conversationId: conv.id,
        takenOver: isTakenOver(conv, deps.clock.now()),
        messages: jsonify(rows.filter((m) => m.role !== "system")),
      },
      200,
    );
  });
}
