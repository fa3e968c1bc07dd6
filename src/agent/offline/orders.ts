/**
 * The customer's orders in words (the my_orders tool's result): the offline assistant's reply
 * and the Telegram /orders command. Every figure, number and status comes from the result.
 */
import { formatMoney } from "../../services/money.js";
import type { MyOrdersResult, OrderView } from "../../services/orders/customer-orders.js";
import type { Language } from "../../services/settings.js";
import { fill, ORDER_STATUS_LABEL, T, UNIT_LABEL } from "./templates.js";

export function orderStatusLabel(status: string, lang: Language): string {
  return ORDER_STATUS_LABEL[lang][status] ?? status;
}

/** One order: number, date and status; items and total; the latest change when there was one. */
export function orderLines(o: OrderView, lang: Language): string {
  const u = UNIT_LABEL[lang];
  const head = fill(T.orderLine[lang], {
    num: o.orderNumber,
    date: o.createdLocal,
    status: orderStatusLabel(o.status, lang),
  });
  const items = o.items
    .map((i) => `${i.name}${i.variant ? ` (${i.variant})` : ""} ${i.quantity} ${u[i.unit]}`)
    .join(", ");
  const lines = [
    `• ${head}`,
    `  ${items ? `${items} · ` : ""}${T.total[lang]}: ${formatMoney(o.total, o.currency)}`,
  ];
  const last = o.lastUpdate;
  if (last && (last.status !== "pending" || last.note)) {
    const note = last.note ? ` (${T.orderNote[lang]}: ${last.note})` : "";
    lines.push(`  ${fill(T.orderUpdated[lang], { at: last.atLocal })}${note}`);
  }
  const open = o.status !== "completed" && o.status !== "cancelled";
  if (o.estimatedDelivery && open)
    lines.push(`  ${fill(T.orderExpected[lang], { at: o.estimatedDelivery })}`);
  return lines.join("\n");
}

export function ordersReply(out: Partial<MyOrdersResult>, lang: Language): string {
  if (out.notFound) return fill(T.orderNotFound[lang], { num: out.notFound });
  const orders = out.orders ?? [];
  if (orders.length === 0) return T.noOrders[lang];
  const title = orders.length === 1 ? T.orderTitle[lang] : T.ordersTitle[lang];
  const parts = [title, ...orders.map((o) => orderLines(o, lang))];
  const count = out.count ?? orders.length;
  if (orders.length > 1 && count > orders.length) {
    parts.push("", fill(T.ordersMore[lang], { shown: orders.length, count }));
  }
  return parts.join("\n");
}
