/**
 * A customer's own orders as they may see them (the my_orders tool, the Telegram /orders
 * command): the newest few, or one by number if (and only if) it is theirs. Read through the
 * order services' caches (orders:user:{profileId}, order:status:{id}).
 */
import { findOrderNumber } from "../../agent/intent.js";
import { CUSTOMER_ORDERS_MAX } from "../../db/queries/orders.js";
import type { Deps } from "../../deps.js";
import { isAppError } from "../../errors.js";
import { getSettings, shopLocalParts } from "../settings.js";
import type { Order } from "./create.js";
import { getOrderByNumberForViewer, listCustomerOrders } from "./read.js";

/** How many orders a list shows (the newest). */
export const MY_ORDERS_LIMIT = 5;

export interface OrderView {
  orderNumber: string;
  /** The order's status in the database: pending | confirmed | preparing | delivering | completed | cancelled. */
  status: string;
  items: Array<{ name: string; variant: string | null; quantity: number; unit: "g" | "pcs"; total: string }>;
  total: string;
  currency: string;
  createdAt: string;
  /** createdAt in the shop's time zone, "YYYY-MM-DD HH:mm". */
  createdLocal: string;
  /** The latest entry of the status history. */
  lastUpdate: { status: string; at: string; atLocal: string; note?: string } | null;
  /** When staff expect to deliver it (shop time zone, "YYYY-MM-DD HH:mm"), if they said. */
  estimatedDelivery: string | null;
}

export interface MyOrdersResult {
  orders: OrderView[];
  /** How many orders the customer has (the list shows the newest MY_ORDERS_LIMIT). */
  count: number;
  /** The number asked for, when it is not one of this customer's orders. */
  notFound?: string;
  timeZone: string;
}

function localTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = shopLocalParts(d, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** What a customer may be told of an order (no staff notes, no assignee, no contact details). */
export function orderView(order: Order, timeZone: string): OrderView {
  const last = order.statusHistory.at(-1);
  return {
    orderNumber: order.orderNumber,
    status: order.status,
    items: order.items.map((raw) => {
      const l = raw as Record<string, unknown>;
      return {
        name: String(l.product_name ?? ""),
        variant: typeof l.variant_label === "string" ? l.variant_label : null,
        quantity: Number(l.quantity ?? 0),
        unit: l.unit === "pcs" ? "pcs" : "g",
        total: String(l.total_price ?? ""),
      };
    }),
    total: order.totalAmount,
    currency: order.currency,
    createdAt: order.createdAt,
    createdLocal: localTime(order.createdAt, timeZone),
    lastUpdate: last
      ? {
          status: last.status,
          at: last.at,
          atLocal: localTime(last.at, timeZone),
          ...(last.note ? { note: last.note.slice(0, 300) } : {}),
        }
      : null,
    estimatedDelivery: order.estimatedDelivery ? localTime(order.estimatedDelivery, timeZone) : null,
  };
}

/**
 * The customer's orders as the assistant and the Telegram /orders command show them: the newest
 * `limit`, or the one numbered `orderNumber` if (and only if) it is this customer's.
 */
export async function customerOrders(
  deps: Pick<Deps, "db" | "cache">,
  profileId: string,
  opts: { orderNumber?: string; limit?: number } = {},
): Promise<MyOrdersResult> {
  const [all, settings] = await Promise.all([listCustomerOrders(deps, profileId), getSettings(deps)]);
  const tz = settings.timeZone;
  const asked = opts.orderNumber?.trim();
  if (!asked) {
    return {
      orders: all.slice(0, opts.limit ?? MY_ORDERS_LIMIT).map((o) => orderView(o, tz)),
      count: all.length,
      timeZone: tz,
    };
  }
  const number = (findOrderNumber(asked) ?? asked).toUpperCase();
  let order = all.find((o) => o.orderNumber === number);
  if (!order && all.length >= CUSTOMER_ORDERS_MAX) {
    // Older than the cached list: the read service answers another customer's order as missing.
    order = await getOrderByNumberForViewer(deps, number, { kind: "customer", profileId }).catch((err) => {
      if (isAppError(err) && err.status === 404) return undefined;
      throw err;
    });
  }
  if (!order || order.userProfileId !== profileId) {
    return { orders: [], count: all.length, notFound: number.slice(0, 40), timeZone: tz };
  }
  return { orders: [orderView(order, tz)], count: all.length, timeZone: tz };
}
