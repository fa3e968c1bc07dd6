/**
 * The staff chat (TELEGRAM_STAFF_CHAT_ID): the "Take over" button on an alert, and replies to
 * alerts, which go straight to that customer (taking the conversation over). A reply of
 * `/release` hands the conversation back to the assistant. Messages from any other group are
 * ignored: only the configured chat can act as staff.
 */
import { eq } from "drizzle-orm";
import type { Bot, Context } from "grammy";
import { notifications } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { release, sendStaffMessage, staffForTelegramUser, takeOver } from "../../services/takeover.js";
import { escapeHtml } from "./format.js";

function isStaffChat(deps: Deps, ctx: Context): boolean {
  const staffChat = deps.config.telegram.staffChatId;
  return Boolean(staffChat && ctx.chat && String(ctx.chat.id) === staffChat);
}

async function conversationOfAlert(deps: Deps, messageId: number): Promise<string | undefined> {
  const [n] = await deps.db
    .select({ conversationId: notifications.conversationId })
    .from(notifications)
    .where(eq(notifications.telegramMessageId, messageId));
  return n?.conversationId ?? undefined;
}

export function registerStaffChatHandlers(bot: Bot, deps: Deps): void {
  const staffChat = bot.filter((ctx) => isStaffChat(deps, ctx));

  staffChat.callbackQuery(/^to:([0-9a-f-]{36})$/, async (ctx) => {
    const staff = await staffForTelegramUser(deps, ctx.from.id);
    const conv = await takeOver(deps, ctx.match[1] as string, staff);
    await ctx.answerCallbackQuery({ text: "The assistant is silent in this conversation now." });
    await ctx.reply(
      `🙋 <b>${escapeHtml(ctx.from.first_name)}</b> took over the conversation until ${escapeHtml(
        new Date(conv.takeoverUntil ?? Date.now()).toISOString().slice(11, 16),
      )} UTC. Reply to the alert to write to the customer; reply <code>/release</code> to hand it back.`,
      {
        parse_mode: "HTML",
        reply_parameters: {
          message_id: ctx.callbackQuery.message?.message_id ?? 0,
          allow_sending_without_reply: true,
        },
      },
    );
  });

  staffChat.on("message:text", async (ctx) => {
    const replyTo = ctx.message.reply_to_message?.message_id;
    if (!replyTo) return;
    const conversationId = await conversationOfAlert(deps, replyTo);
    if (!conversationId) return;
    const staff = await staffForTelegramUser(deps, ctx.from.id);
    if (/^\/release(@\w+)?$/.test(ctx.message.text.trim())) {
      await release(deps, conversationId);
      await ctx.reply("🤖 The assistant answers this customer again.", {
        reply_parameters: { message_id: ctx.message.message_id },
      });
      return;
    }
    await sendStaffMessage(deps, { conversationId, staff, text: ctx.message.text });
    await ctx.react("👍").catch(() => {});
  });

  // Nothing said in the staff chat reaches the customer handlers.
  bot.use(async (ctx, next) => {
    if (!isStaffChat(deps, ctx)) await next();
  });
}
