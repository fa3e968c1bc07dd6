/**
 * The end of a conversation: on request (POST /api/conversations/:id/end), or after inactivity
 * (the hourly "conversation-summaries" sweep; getOrCreateConversation also ends an idle one when
 * the customer writes again). Ending writes a short summary (rules offline, the model when one is
 * given), records session_end once, keeps preferences current and schedules a follow-up when the
 * customer showed buying intent without ordering. Customers rate a conversation 1-5.
 */
import type { LanguageModel } from "ai";
import { and, asc, eq, isNotNull, isNull, lt, ne, or } from "drizzle-orm";
import { CacheKeys } from "../cache/keys.js";
import { agentEvents, conversations, messages, notifications, orders } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import { type Conversation, getConversation, invalidateConversation } from "./conversations.js";
import { trackEvent } from "./events.js";
import { type ScheduleResult, scheduleFollowup, type TelegramSender } from "./followups.js";
import { jsonify } from "./json.js";
import { summarizeWithModel } from "./memory/model.js";
import { refreshPreferencesFromOrders } from "./memory/preferences.js";
import { getSettings } from "./settings.js";

export type LifecycleDeps = Pick<Deps, "db" | "cache" | "clock" | "logger" | "jobs"> & {
  model?: LanguageModel;
  sendTelegram?: TelegramSender;
};

type Line = { role: string; content: string; productCards: string[] };

/** The offline summary: what the customer first asked, products shown, and how it ended. */
export function summarizeByRules(
  lines: Line[],
  outcome: { orderNumber?: string | null; language: string },
): string {
  const userLines = lines.filter((l) => l.role === "user");
  const first = userLines[0]?.content.replace(/\s+/g, " ").trim() ?? "";
  const products = [...new Set(lines.flatMap((l) => l.productCards))].slice(0, 5);
  const parts = [
    `${userLines.length} customer message${userLines.length === 1 ? "" : "s"} (${outcome.language}).`,
  ];
  if (first) parts.push(`Started with: "${first.length > 120 ? `${first.slice(0, 117)}...` : first}".`);
  if (products.length > 0) parts.push(`Products shown: ${products.join(", ")}.`);
  parts.push(outcome.orderNumber ? `Ended with order ${outcome.orderNumber}.` : "No order.");
  return parts.join(" ");
}

async function summaryFor(deps: LifecycleDeps, conv: Conversation): Promise<string> {
  const rows = await deps.db
    .select({ role: messages.role, content: messages.content, productCards: messages.productCards })
    .from(messages)
    .where(eq(messages.conversationId, conv.id))
    .orderBy(asc(messages.createdAt))
    .limit(200);
  const [order] = await deps.db
    .select({ orderNumber: orders.orderNumber })
    .from(orders)
    .where(and(eq(orders.conversationId, conv.id), ne(orders.status, "cancelled")))
    .limit(1);
  if (deps.model && rows.length > 0) {
    try {
      return await summarizeWithModel(
        deps.model,
        "conversation",
        rows.slice(-40).map((r) => `${r.role}: ${r.content.slice(0, 500)}`),
      );
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, "conversation summary: model failed, using rules");
    }
  }
  return summarizeByRules(rows, { orderNumber: order?.orderNumber, language: conv.language });
}

export type EndReason = "customer" | "timeout" | "staff";

/**
 * Ends a conversation (idempotent). A timed-out conversation ends at its last message, so its
 * length is not stretched by the idle wait. Returns the ended conversation.
 */
export async function endConversation(
  deps: LifecycleDeps,
  conversationId: string,
  reason: EndReason,
): Promise<Conversation> {
  const conv = await loadConversation(deps, conversationId);
  const now = deps.clock.now();
  let ended = conv;
  if (!conv.endedAt) {
    const endedAt = reason === "timeout" ? new Date(conv.lastMessageAt) : now;
    const row = await deps.db.transaction(async (tx) => {
      // `ended_at is null` makes this the one place session_end is recorded, however many
      // sweeps or requests race to end the same conversation.
      const [r] = await tx
        .update(conversations)
        .set({ endedAt })
        .where(and(eq(conversations.id, conv.id), isNull(conversations.endedAt)))
        .returning();
      if (r) {
        await trackEvent(tx, {
          eventType: "session_end",
          userProfileId: conv.userProfileId,
          conversationId: conv.id,
          channel: conv.channel,
          eventData: { reason, messages: conv.messageCount },
          at: now,
        });
      }
      return r;
    });
    await invalidateConversation(deps.cache, conv);
    if (row) ended = jsonify(row);
    else ended = await loadConversation(deps, conversationId);
  }
  return finishEnded(deps, ended);
}

/** Summary, preferences and follow-up for an ended conversation that has no summary yet. */
async function finishEnded(deps: LifecycleDeps, conv: Conversation): Promise<Conversation> {
  if (conv.summary) return conv;
  const summary = await summaryFor(deps, conv);
  const [row] = await deps.db
    .update(conversations)
    .set({ summary })
    .where(and(eq(conversations.id, conv.id), isNull(conversations.summary)))
    .returning();
  await invalidateConversation(deps.cache, conv);
  // The next context build includes this summary ("last conversation").
  await deps.cache.delete(CacheKeys.fullContext(conv.userProfileId));
  await refreshPreferencesFromOrders(deps, conv.userProfileId);
  await followUpIfIntent(deps, conv);
  return row ? jsonify(row) : conv;
}

/** Buying intent = an order_attempt event or a `wish` notification in this conversation. */
export async function showedBuyingIntent(deps: Pick<Deps, "db">, conversationId: string): Promise<boolean> {
  const [attempt] = await deps.db
    .select({ id: agentEvents.id })
    .from(agentEvents)
    .where(and(eq(agentEvents.conversationId, conversationId), eq(agentEvents.eventType, "order_attempt")))
    .limit(1);
  if (attempt) return true;
  const [wish] = await deps.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.conversationId, conversationId), eq(notifications.type, "wish")))
    .limit(1);
  return Boolean(wish);
}

async function followUpIfIntent(deps: LifecycleDeps, conv: Conversation): Promise<ScheduleResult | null> {
  if (!(await showedBuyingIntent(deps, conv.id))) return null;
  return scheduleFollowup(deps, {
    profileId: conv.userProfileId,
    conversationId: conv.id,
    channel: conv.channel === "telegram" ? "telegram" : "web",
  });
}

async function loadConversation(deps: LifecycleDeps, id: string): Promise<Conversation> {
  const [row] = await deps.db.select().from(conversations).where(eq(conversations.id, id));
  if (!row) throw AppError.notFound("Conversation");
  return jsonify(row);
}

/**
 * A customer's own conversation, or 404 — another customer's conversation id gets exactly the
 * answer an unknown id gets, so ids cannot be probed.
 */
export async function ownConversation(
  deps: Pick<Deps, "db" | "cache">,
  profileId: string,
  conversationId: string,
): Promise<Conversation> {
  const c = await getConversation(deps, conversationId);
  if (!c || c.userProfileId !== profileId) throw AppError.notFound("Conversation");
  return c;
}

export interface RatingInput {
  rating: number;
  feedback?: string | null;
}

/** Stores the customer's 1-5 rating (a new rating replaces the old) and records a feedback event. */
export async function rateConversation(
  deps: LifecycleDeps,
  profileId: string,
  conversationId: string,
  input: RatingInput,
): Promise<Conversation> {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    throw AppError.validation("rating", "must be a whole number from 1 to 5");
  }
  const conv = await ownConversation(deps, profileId, conversationId);
  const feedback = input.feedback?.trim() || null;
  const row = await deps.db.transaction(async (tx) => {
    const [r] = await tx
      .update(conversations)
      .set({ userSatisfaction: input.rating, feedback })
      .where(eq(conversations.id, conv.id))
      .returning();
    await trackEvent(tx, {
      eventType: "feedback",
      userProfileId: profileId,
      conversationId: conv.id,
      channel: conv.channel,
      eventData: { rating: input.rating, ...(feedback ? { feedback: feedback.slice(0, 2000) } : {}) },
      at: deps.clock.now(),
    });
    return r;
  });
  if (!row) throw AppError.notFound("Conversation");
  await invalidateConversation(deps.cache, conv);
  // Satisfaction is part of AI performance: show a new rating now, not a TTL later.
  await deps.cache.delete(CacheKeys.aiPerformance());
  return jsonify(row);
}

export interface SweepResult {
  ended: number;
  summarized: number;
}

/**
 * The hourly "conversation-summaries" job: ends conversations idle for longer than the
 * setting, and summarizes ended ones that have no summary yet (e.g. ended by the next message).
 */
export async function sweepConversations(deps: LifecycleDeps, limit = 200): Promise<SweepResult> {
  const { conversationTimeoutMinutes } = await getSettings(deps);
  const idleSince = new Date(deps.clock.now().getTime() - conversationTimeoutMinutes * 60_000);
  const rows = await deps.db
    .select({ id: conversations.id, endedAt: conversations.endedAt })
    .from(conversations)
    .where(
      or(
        and(isNull(conversations.endedAt), lt(conversations.lastMessageAt, idleSince)),
        and(isNotNull(conversations.endedAt), isNull(conversations.summary)),
      ),
    )
    .orderBy(asc(conversations.lastMessageAt))
    .limit(limit);
  let ended = 0;
  for (const r of rows) {
    try {
      await endConversation(deps, r.id, "timeout");
      if (!r.endedAt) ended++;
    } catch (err) {
      deps.logger.warn(
        { conversationId: r.id, err: (err as Error).message },
        "conversation sweep failed for one",
      );
    }
  }
  return { ended, summarized: rows.length };
}
