/**
 * The web customer's own endpoints. The customer is always the one of the signed cookie: no
 * route here takes a customer id, and another customer's conversation id answers 404 exactly
 * like an unknown one.
 *   GET   /api/me                         own profile basics (+ a follow-up to show, if any)
 *   PATCH /api/me                         own name, language, follow-up opt-out
 *   POST  /api/me/telegram-link           a one-time t.me link that joins Telegram to this profile
 *   POST  /api/conversations/{id}/rating  rate own conversation 1-5 (+ feedback)
 *   POST  /api/conversations/{id}/end     end own conversation now
 */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { endConversation, ownConversation, rateConversation } from "../../services/conversation-lifecycle.js";
import { latestWebFollowup } from "../../services/followups.js";
import { getOrCreateWebProfile, type Profile, updateProfile } from "../../services/profiles.js";
import { languages } from "../../services/settings.js";
import { createLinkToken, telegramLinkUrl } from "../../services/telegram-link.js";
import { type CustomerVariables, customerIdentity } from "../middleware/customer.js";
import { rateLimit } from "../middleware/rate-limit.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

const MeSchema = z
  .object({
    id: z.string(),
    displayName: z.string().nullable(),
    language: z.string().nullable(),
    telegramLinked: z.boolean(),
    telegramUsername: z.string().nullable(),
    totalOrders: z.number(),
    totalConversations: z.number(),
    followupOptOut: z.boolean(),
    followup: z
      .object({ id: z.string(), conversationId: z.string().nullable(), text: z.string(), sentAt: z.string() })
      .nullable()
      .openapi({
        description: "The latest follow-up message sent to this customer on the web (last 7 days)",
      }),
  })
  .openapi("Me");

const MePatch = z
  .object({
    displayName: z.string().trim().min(1).max(80).nullable().optional(),
    language: z.enum(languages).optional(),
    followupOptOut: z.boolean().optional(),
  })
  .strict()
  .openapi("MePatch");

const LinkSchema = z
  .object({
    url: z.string().openapi({ example: "https://t.me/your_bot?start=link_abc…" }),
    expiresAt: z.string(),
  })
  .openapi("TelegramLink");

const RatingBody = z
  .object({
    rating: z.number().int("must be a whole number").min(1).max(5),
    feedback: z.string().trim().max(2000).nullable().optional(),
  })
  .openapi("ConversationRating");

const ConversationResult = z
  .object({
    id: z.string(),
    endedAt: z.string().nullable(),
    summary: z.string().nullable(),
    userSatisfaction: z.number().nullable(),
    feedback: z.string().nullable(),
  })
  .openapi("ConversationState");

const idParam = z.object({ id: z.uuid() });
const notFound = { 404: jsonContent(ErrorSchema, "No such conversation (or not yours)") };
const bad = { 400: jsonContent(ErrorSchema, "Invalid input (the field is named)") };

function me(p: Profile, followup: z.infer<typeof MeSchema>["followup"]): z.infer<typeof MeSchema> {
  const prefs = p.preferences as Record<string, unknown>;
  return {
    id: p.id,
    displayName: p.displayName,
    language: typeof prefs.language === "string" ? prefs.language : null,
    telegramLinked: p.telegramUserId !== null,
    telegramUsername: p.telegramUsername,
    totalOrders: p.totalOrders,
    totalConversations: p.totalConversations,
    followupOptOut: p.followupOptOut,
    followup,
  };
}

function conversationState(c: {
  id: string;
  endedAt: string | null;
  summary: string | null;
  userSatisfaction: number | null;
  feedback: string | null;
}) {
  return {
    id: c.id,
    endedAt: c.endedAt,
    summary: c.summary,
    userSatisfaction: c.userSatisfaction,
    feedback: c.feedback,
  };
}

function identity(deps: Deps) {
  return customerIdentity(deps.cookieSecret, { secure: deps.config.http.publicUrl?.startsWith("https:") });
}

/** Mounted at /api/me. */
export function meRoutes(deps: Deps) {
  const getMe = createRoute({
    method: "get",
    path: "/",
    tags: ["customer"],
    summary: "Your profile basics",
    responses: { 200: jsonContent(MeSchema, "You") },
  });
  const patchMe = createRoute({
    method: "patch",
    path: "/",
    tags: ["customer"],
    summary: "Change your name, language or follow-up opt-out",
    request: { body: { required: true, content: { "application/json": { schema: MePatch } } } },
    responses: { 200: jsonContent(MeSchema, "You, updated"), ...bad },
  });
  const link = createRoute({
    method: "post",
    path: "/telegram-link",
    tags: ["customer"],
    summary: "A one-time link (30 minutes) that joins your Telegram account to this profile",
    responses: { 200: jsonContent(LinkSchema, "Open the url in Telegram and press Start") },
  });
  const r = newRouter<{ Variables: CustomerVariables }>();
  r.use("*", identity(deps));
  r.use("*", rateLimit(deps, { scope: "customer" }));
  return r
    .openapi(getMe, async (c) => {
      const p = await getOrCreateWebProfile(deps, c.get("customerId"));
      return c.json(me(p, await latestWebFollowup(deps, p.id)), 200);
    })
    .openapi(patchMe, async (c) => {
      const body = c.req.valid("json");
      const p = await getOrCreateWebProfile(deps, c.get("customerId"));
      const updated = await updateProfile(deps, p.id, {
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.followupOptOut !== undefined ? { followupOptOut: body.followupOptOut } : {}),
        ...(body.language ? { preferences: { language: body.language } } : {}),
      });
      return c.json(me(updated, await latestWebFollowup(deps, p.id)), 200);
    })
    .openapi(link, async (c) => {
      const p = await getOrCreateWebProfile(deps, c.get("customerId"));
      const t = await createLinkToken(deps, p.id);
      return c.json({ url: telegramLinkUrl(deps.telegramBotUsername, t.token), expiresAt: t.expiresAt }, 200);
    });
}

/** Mounted at /api/conversations. */
export function customerConversationRoutes(deps: Deps) {
  const rate = createRoute({
    method: "post",
    path: "/{id}/rating",
    tags: ["customer"],
    summary: "Rate your conversation 1-5, with optional feedback (a new rating replaces the old)",
    request: {
      params: idParam,
      body: { required: true, content: { "application/json": { schema: RatingBody } } },
    },
    responses: { 200: jsonContent(ConversationResult, "The rated conversation"), ...bad, ...notFound },
  });
  const end = createRoute({
    method: "post",
    path: "/{id}/end",
    tags: ["customer"],
    summary: "End your conversation now (it gets a summary; the next message starts a new one)",
    request: { params: idParam },
    responses: { 200: jsonContent(ConversationResult, "The ended conversation"), ...bad, ...notFound },
  });
  const r = newRouter<{ Variables: CustomerVariables }>();
  r.use("*", identity(deps));
  r.use("*", rateLimit(deps, { scope: "customer" }));
  return r
    .openapi(rate, async (c) => {
      const { id } = c.req.valid("param");
      const p = await getOrCreateWebProfile(deps, c.get("customerId"));
      const conv = await rateConversation(deps, p.id, id, c.req.valid("json"));
      return c.json(conversationState(conv), 200);
    })
    .openapi(end, async (c) => {
      const { id } = c.req.valid("param");
      const p = await getOrCreateWebProfile(deps, c.get("customerId"));
      await ownConversation(deps, p.id, id);
      return c.json(conversationState(await endConversation(deps, id, "customer")), 200);
    });
}
