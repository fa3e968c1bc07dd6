/**
 * Messages the bot sends on its own: a staff member's message to a customer (takeover), and a
 * customer's order status change. Both run as jobs, so Telegram errors retry; a 429 waits for
 * Telegram's retry_after without spending an attempt.
 */
import { eq } from "drizzle-orm";
import { GrammyError } from "grammy";
import { findOrderById } from "../../db/queries/orders.js";
import { conversations, messages } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { PermanentJobError, RetryLaterError } from "../../jobs/types.js";
import { getProfileById } from "../../services/profiles.js";
import { escapeHtml } from "./format.js";

async function send(deps: Deps, chatId: number, html: string): Promise<void> {
  const api = deps.telegram?.api;
  if (!api) throw new PermanentJobError("Telegram is not configured");
  try {
    await api.sendMessage(chatId, html, { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 429) {
      throw new RetryLaterError((err.parameters.retry_after ?? 1) * 1000);
    }
    if (err instanceof GrammyError && err.error_code >= 400 && err.error_code < 500) {
      throw new PermanentJobError(`${err.error_code}: ${err.description}`);
    }
    throw err;
  }
}

/** The staff-message job: a message a staff member wrote reaches the customer's Telegram chat. */
export async function deliverStaffMessage(deps: Deps, messageId: string): Promise<void> {
  const [m] = await deps.db.select().from(messages).where(eq(messages.id, messageId));
  if (m?.role !== "staff" || m.metadata?.deliveredAt) return;
  const [conv] = await deps.db.select().from(conversations).where(eq(conversations.id, m.conversationId));
  const profile = conv ? await getProfileById(deps, conv.userProfileId) : undefined;
  if (!profile?.telegramChatId) return;
  await send(deps, profile.telegramChatId, `👤 ${escapeHtml(m.content)}`);
  await deps.db
    .update(messages)
    .set({ metadata: { ...m.metadata, deliveredAt: deps.clock.now().toISOString() } })
    .where(eq(messages.id, m.id));
}

const STATUS_TEXT: Record<string, Record<string, string>> = {
  en: {
    confirmed: "✅ Your order {n} is confirmed.",
    preparing: "👨‍🍳 Your order {n} is being prepared.",
    delivering: "🛵 Your order {n} is on its way.",
    completed: "🎉 Your order {n} is delivered. Thank you!",
    cancelled: "❌ Your order {n} was cancelled: {reason}",
  },
  ru: {
    confirmed: "✅ Ваш заказ {n} подтверждён.",
    preparing: "👨‍🍳 Ваш заказ {n} собирается.",
    delivering: "🛵 Ваш заказ {n} в пути.",
    completed: "🎉 Ваш заказ {n} доставлен. Спасибо!",
    cancelled: "❌ Ваш заказ {n} отменён: {reason}",
  },
  uk: {
    confirmed: "✅ Ваше замовлення {n} підтверджено.",
    preparing: "👨‍🍳 Ваше замовлення {n} збирається.",
    delivering: "🛵 Ваше замовлення {n} в дорозі.",
    completed: "🎉 Ваше замовлення {n} доставлено. Дякуємо!",
    cancelled: "❌ Ваше замовлення {n} скасовано: {reason}",
  },
  th: {
    confirmed: "✅ คำสั่งซื้อ {n} ได้รับการยืนยันแล้ว",
    preparing: "👨‍🍳 กำลังเตรียมคำสั่งซื้อ {n}",
    delivering: "🛵 คำสั่งซื้อ {n} กำลังจัดส่ง",
    completed: "🎉 คำสั่งซื้อ {n} จัดส่งแล้ว ขอบคุณค่ะ!",
    cancelled: "❌ คำสั่งซื้อ {n} ถูกยกเลิก: {reason}",
  },
};

/** The notify-customer-order-status job: tells a Telegram customer their order moved on. */
export async function notifyCustomerOfStatus(deps: Deps, orderId: string, status: string): Promise<void> {
  const order = await findOrderById(deps.db, orderId);
  if (!order?.userProfileId || order.status !== status) return; // moved on again since: that job tells
  const profile = await getProfileById(deps, order.userProfileId);
  if (!profile?.telegramChatId) return;
  const lang = String(profile.preferences?.language ?? "en").slice(0, 2);
  const texts = STATUS_TEXT[lang] ?? STATUS_TEXT.en!;
  const template = texts[status];
  if (!template) return;
  const html = escapeHtml(
    template.replace("{n}", order.orderNumber).replace("{reason}", order.cancellationReason ?? ""),
  );
  await send(deps, profile.telegramChatId, html);
}
