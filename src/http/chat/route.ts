/**
 * POST /api/agent/chat: one assistant turn for the customer of the signed cookie. Streams SSE
 * `data: {"content","done":false}` chunks and a final `{"done":true, ...}`; `stream:false`
 * answers the final object with the whole `content`. A userId in the body is never read.
 */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { agentModelsFor } from "../../agent/models/index.js";
import { runTurn, type TurnResult } from "../../agent/turn.js";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { isAppError } from "../../errors.js";
import { getOrCreateWebProfile } from "../../services/profiles.js";
import { type CustomerVariables, customerIdentity } from "../middleware/customer.js";
import { ErrorSchema, jsonContent } from "../schemas.js";
import { ChatBody, ChatFinal } from "./schemas.js";

const route = createRoute({
  method: "post",
  path: "/agent/chat",
  tags: ["chat"],
  summary: "Talk to the shop's assistant (SSE stream by default)",
  description:
    'The customer is identified by the signed httpOnly cookie `sk_uid` (issued on the first request). With `stream:true` (default) the response is `text/event-stream`: `data: {"content":"…","done":false}` chunks, then one `data:` line with the ChatResponse object.',
  request: { body: { required: true, content: { "application/json": { schema: ChatBody } } } },
  responses: {
    200: {
      description: "The reply: SSE (stream:true) or JSON (stream:false)",
      content: {
        "application/json": { schema: ChatFinal },
        "text/event-stream": { schema: ChatFinal.openapi({ description: "Chunks, then this object" }) },
      },
    },
    400: jsonContent(ErrorSchema, "Invalid body (the field is named)"),
    409: jsonContent(ErrorSchema, "The previous message of this conversation is still being answered"),
  },
});

function finalPayload(r: TurnResult, userId: string, withContent: boolean) {
  return {
    done: true as const,
    ...(withContent ? { content: r.content } : {}),
    suggestedProducts: r.suggestedProducts,
    productCards: r.productCards,
    conversationId: r.conversationId,
    userId,
    notificationSent: r.notificationSent,
    language: r.language,
    ...(r.orderNumber ? { orderNumber: r.orderNumber } : {}),
    silent: r.silent,
    timing: r.timing,
  };
}

/** Long chunks (the offline assistant answers at once) go out line by line, like a stream. */
function pieces(chunk: string): string[] {
  if (chunk.length <= 160) return [chunk];
  return chunk.match(/[^\n]*\n+|[^\n]+$/g) ?? [chunk];
}

export function chatRoutes(deps: Deps) {
  const app = newRouter<{ Variables: CustomerVariables }>();
  app.use(
    "/agent/chat",
    customerIdentity(deps.cookieSecret, { secure: deps.config.http.publicUrl?.startsWith("https") }),
  );
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const userId = c.get("customerId");
    const profile = await getOrCreateWebProfile(deps, userId);
    const turn = (onText?: (s: string) => void) =>
      runTurn(deps, {
        channel: "web",
        profile,
        text: body.message,
        language: body.language,
        conversationId: body.conversationId,
        useStock: body.useStock,
        onText,
      });
    if (!body.stream) return c.json(finalPayload(await turn(), userId, true), 200);
    // A model that does not stream (the offline assistant) has the whole reply at once: the same
    // SSE events go out as one body (one socket write) instead of a chunk per write.
    if (!agentModelsFor(deps.config).primary.streams) return sseAtOnce(c, deps, userId, turn) as never;
    return sse(c, deps, userId, turn) as never;
  });
  return app;
}

function errorEvent(c: Context, deps: Deps, err: unknown) {
  const code = isAppError(err) ? err.code : "INTERNAL";
  const message = isAppError(err) ? err.userMessage : "Something went wrong on our side";
  if (!isAppError(err) || err.status >= 500) deps.logger.error({ err, path: c.req.path }, "chat turn failed");
  return { done: true, error: { code, message } };
}

/** The SSE response of a turn whose model does not stream, written in one piece. */
async function sseAtOnce(
  c: Context,
  deps: Deps,
  userId: string,
  turn: (onText: (s: string) => void) => Promise<TurnResult>,
) {
  let body = "";
  const event = (data: unknown) => {
    body += `data: ${JSON.stringify(data)}\n\n`;
  };
  try {
    const r = await turn((chunk) => {
      for (const p of pieces(chunk)) event({ content: p, done: false });
    });
    event(finalPayload(r, userId, false));
  } catch (err) {
    event(errorEvent(c, deps, err));
  }
  return c.body(body, 200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
}

function sse(
  c: Context,
  deps: Deps,
  userId: string,
  turn: (onText: (s: string) => void) => Promise<TurnResult>,
) {
  return streamSSE(c, async (stream) => {
    // Chunks arrive synchronously from the model; writes are chained so they keep their order.
    let writes = Promise.resolve();
    const onText = (chunk: string) => {
      for (const p of pieces(chunk)) {
        writes = writes.then(() => stream.writeSSE({ data: JSON.stringify({ content: p, done: false }) }));
      }
    };
    try {
      const r = await turn(onText);
      await writes;
      await stream.writeSSE({ data: JSON.stringify(finalPayload(r, userId, false)) });
    } catch (err) {
      await writes.catch(() => {});
      await stream.writeSSE({ data: JSON.stringify(errorEvent(c, deps, err)) });
    }
  });
}
