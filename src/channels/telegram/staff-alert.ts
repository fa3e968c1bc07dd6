/** The staff-chat text of a notification record (HTML, customer text escaped) and its buttons. */
import { InlineKeyboard } from "grammy";
import type { notifications } from "../../db/schema.js";
import { formatMoney } from "../../services/money.js";
import type { Order } from "../../services/orders/create.js";
import { escapeHtml, mapLink, TELEGRAM_LIMIT } from "./format.js";

type NotificationRow = typeof notifications.$inferSelect;

export interface AlertContext {
  order?: Order;
  customer?: { displayName?: string | null; telegramUsername?: string | null; channel?: string };
  /** A location the customer shared in Telegram (conversation metadata). */
  sharedLocation?: { latitude: number; longitude: number };
}

const TITLES: Record<string, string> = {
  order: "🛒 New order",
  wish: "💡 Buying intent",
  staff_question: "🙋 Customer asks for staff",
  feedback: "💬 Feedback",
  customer_message: "✉️ Customer message",
};

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

function who(ctx: AlertContext, payload: Record<string, unknown>): string {
  const p = (payload.customer ?? {}) as Record<string, unknown>;
  const name = ctx.customer?.displayName ?? str(p.name);
  const username = ctx.customer?.telegramUsername ?? str(p.telegramUsername);
  const parts = [name && escapeHtml(name), username && `@${escapeHtml(username)}`].filter(Boolean);
  const channel = ctx.customer?.channel ?? str(payload.channel);
  return `👤 ${parts.join(" ") || "Customer"}${channel ? ` · ${escapeHtml(channel)}` : ""}`;
}

export function orderLines(order: Order, sharedLocation?: { latitude: number; longitude: number }): string[] {
  const money = (a: string) => escapeHtml(formatMoney(a, order.currency));
  const items = order.items.map((raw) => {
    const i = raw as Record<string, unknown>;
    const variant = i.variant_label ? ` (${escapeHtml(str(i.variant_label))})` : "";
    return `• ${escapeHtml(str(i.product_name))}${variant} × ${escapeHtml(str(i.quantity))} ${escapeHtml(str(i.unit))} — ${money(str(i.total_price))}`;
  });
  const location = order.deliveryLocation ?? sharedLocation;
  const address = order.deliveryAddress ?? "";
  const map = location ? mapLink(location) : address ? mapLink(address) : undefined;
  return [
    `<b>${TITLES.order} ${escapeHtml(order.orderNumber)}</b>`,
    ...items,
    "",
    `Subtotal: ${money(order.subtotal)}`,
    `Delivery: ${money(order.deliveryFee)}`,
    ...(order.discount !== "0.00" ? [`Discount: −${money(order.discount)}`] : []),
    `<b>Total: ${money(order.totalAmount)}</b>`,
    "",
    `📞 ${escapeHtml(order.contactInfo.name ? `${order.contactInfo.name}, ` : "")}${escapeHtml(order.contactInfo.phone)}`,
    `📍 ${escapeHtml(address)}${map ? ` — <a href="${escapeHtml(map)}">map</a>` : ""}`,
    ...(order.deliveryNotes ? [`📝 ${escapeHtml(order.deliveryNotes)}`] : []),
    `💳 Payment: ${escapeHtml(order.paymentMethod)}`,
  ];
}

export function renderStaffAlert(
  n: NotificationRow,
  ctx: AlertContext,
): { html: string; keyboard?: InlineKeyboard } {
  const payload = n.payload ?? {};
  const lines: string[] = [];
  if (n.type === "order" && ctx.order) {
    lines.push(...orderLines(ctx.order, ctx.sharedLocation), who(ctx, payload));
  } else {
    lines.push(`<b>${TITLES[n.type] ?? escapeHtml(n.type)}</b>`, who(ctx, payload));
    const note = str(payload.note);
    const said = str(payload.customerMessage ?? payload.text);
    if (note) lines.push(`📝 ${escapeHtml(note)}`);
    if (said) lines.push(`«${escapeHtml(said)}»`);
    if (ctx.sharedLocation)
      lines.push(`📍 <a href="${escapeHtml(mapLink(ctx.sharedLocation))}">shared location</a>`);
  }
  if (n.conversationId) lines.push("", "<i>Reply to this message to answer the customer directly.</i>");
  let html = lines.join("\n");
  if (html.length > TELEGRAM_LIMIT) html = `${html.slice(0, TELEGRAM_LIMIT - 1)}…`;
  const keyboard = n.conversationId
    ? new InlineKeyboard().text("🙋 Take over", `to:${n.conversationId}`)
    : undefined;
  return { html, keyboard };
}
