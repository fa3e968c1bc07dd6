/** notify_staff: tell the shop's staff about a wish, a question for a human, or feedback. */
import { tool, zodSchema } from "ai";
import { z } from "zod";
import { redactText } from "../../logger.js";
import { scheduleFollowup } from "../../services/followups.js";
import { createNotification, type NotificationType, shopDay } from "../../services/notifications.js";
import { isOpenAt } from "../../services/settings.js";
import type { ToolContext } from "./context.js";

export const notifyStaffInput = z.object({
  type: z.enum(["wish", "staff_question", "feedback"]).describe("What the staff should know about"),
  message: z.string().min(1).max(1000).describe("A short note for the staff, in English"),
});

/** The record of this turn's subject for the staff (what createNotification takes). */
export function staffNotificationInput(ctx: ToolContext, type: NotificationType, note: string) {
  const { deps } = ctx;
  return {
    type,
    subject: {
      conversationId: ctx.conversationId,
      messageId: ctx.userMessageId,
      day: shopDay(deps.clock.now(), ctx.settings.timeZone),
    },
    userProfileId: ctx.profile.id,
    conversationId: ctx.conversationId,
    payload: {
      note: note.slice(0, 1000),
      customerMessage: ctx.userText.slice(0, 2000),
      customer: {
        profileId: ctx.profile.id,
        name: ctx.profile.displayName,
        telegramUsername: ctx.profile.telegramUsername,
      },
      channel: ctx.channel,
      language: ctx.language,
      draft: type === "wish" ? ctx.state.draft : undefined,
    },
  };
}

/**
 * After a new record (its delivery is queued by whoever wrote it): the turn reports it, and buying
 * intent without an order gets one polite follow-up later (idempotent per conversation; it is
 * skipped or cancelled for customers who order, opt out or are blocked).
 */
export async function afterNewNotification(ctx: ToolContext, type: NotificationType, id: string) {
  ctx.effects.notifications.push(id);
  if (type !== "wish") return;
  const { deps } = ctx;
  await scheduleFollowup(deps, {
    profileId: ctx.profile.id,
    conversationId: ctx.conversationId,
    channel: ctx.channel,
  }).catch((err) => deps.logger.warn({ err: (err as Error).message }, "follow-up not scheduled"));
}

/** Creates (or finds) the record for this turn's subject; returns whether it is new. */
export async function notifyStaff(ctx: ToolContext, type: NotificationType, note: string) {
  await ctx.saved;
  const n = await createNotification(ctx.deps, staffNotificationInput(ctx, type, note));
  if (n.created) await afterNewNotification(ctx, type, n.id);
  return n;
}

/** Built once: the JSON schema sent to models is computed on first use and kept. */
const inputSchema = zodSchema(notifyStaffInput);
export function notifyStaffTool(ctx: ToolContext) {
  return tool({
    description:
      "Notify the shop staff: 'staff_question' when the customer asks for a human or something only staff can answer, 'wish' for buying intent without a complete order, 'feedback' for thanks or a review.",
    inputSchema,
    execute: async ({ type, message }) => {
      await notifyStaff(ctx, type, redactText(message));
      const open = isOpenAt(ctx.settings, ctx.deps.clock.now());
      return {
        notified: true,
        type,
        shopOpenNow: open,
        hours: ctx.settings.hours,
        timeZone: ctx.settings.timeZone,
      };
    },
  });
}
