/**
 * Staff notification records (SPEC §4 decision matrix): `order` when an order with all five
 * fields and the minimum is created, `wish` for buying intent without a full order, `staff_question`
 * for what needs a human, `feedback` for thanks or reviews. One record per subject (dedupe key);
 * delivery to the staff chat is a `notify-staff` job (src/channels/telegram).
 */
import { desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { notifications } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { type Jsonify, jsonify } from "./json.js";
import type { Order } from "./orders/create.js";
import { shopLocalParts } from "./settings.js";

export const NOTIFICATION_TYPES = ["order", "wish", "staff_question", "feedback"] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export type Notification = Jsonify<typeof notifications.$inferSelect>;

export interface NotificationSubject {
  orderId?: string;
  conversationId?: string;
  messageId?: string;
  /** Shop-local day (YYYY-MM-DD) for `wish`. */
  day?: string;
}

/** order: the order; wish: conversation + day; staff_question and feedback: the message. */
export function dedupeKeyFor(type: NotificationType, s: NotificationSubject): string {
  switch (type) {
    case "order":
      return `order:${s.orderId}`;
    case "wish":
      return `wish:${s.conversationId}:${s.day}`;
    case "staff_question":
      return `staff_question:${s.messageId}`;
    case "feedback":
      return `feedback:${s.messageId}`;
  }
}

export function shopDay(now: Date, timeZone: string): string {
  const p = shopLocalParts(now, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

export interface CreateNotificationInput {
  type: NotificationType;
  subject: NotificationSubject;
  userProfileId?: string | null;
  conversationId?: string | null;
  orderId?: string | null;
  payload: Record<string, unknown>;
}

/** Inserts the record unless its subject already has one; enqueues delivery for a new one. */
export async function createNotification(
  deps: Pick<Deps, "db" | "jobs" | "logger" | "clock">,
  input: CreateNotificationInput,
): Promise<{ id: string; created: boolean }> {
  const dedupeKey = dedupeKeyFor(input.type, input.subject);
  const [row] = await deps.db
    .insert(notifications)
    .values({
      type: input.type,
      dedupeKey,
      userProfileId: input.userProfileId ?? null,
      conversationId: input.conversationId ?? null,
      orderId: input.orderId ?? null,
      payload: input.payload,
      createdAt: deps.clock.now(),
    })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  if (!row) {
    const [existing] = await deps.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(eq(notifications.dedupeKey, dedupeKey));
    return { id: existing?.id ?? "", created: false };
  }
  if (deps.jobs) {
    // The record is the source of truth; a failed enqueue is retried by whoever sweeps pending rows.
    await deps.jobs
      .enqueue("notify-staff", { notificationId: row.id }, { dedupeKey: `notify-staff:${row.id}` })
      .catch((err) => deps.logger.warn({ err, notificationId: row.id }, "notify-staff enqueue failed"));
  }
  return { id: row.id, created: true };
}

/** What the staff chat needs to act on an order: items, amounts, contact, delivery, payment. */
export function orderPayload(order: Order, customer: { displayName?: string | null }) {
  return {
    orderId: order.id,
    orderNumber: order.orderNumber,
    status: order.status,
    items: order.items,
    subtotal: order.subtotal,
    deliveryFee: order.deliveryFee,
    discount: order.discount,
    total: order.totalAmount,
    currency: order.currency,
    contact: { name: order.contactInfo.name ?? customer.displayName ?? null, phone: order.contactInfo.phone },
    deliveryAddress: order.deliveryAddress,
    paymentMethod: order.paymentMethod,
    source: order.orderSource,
  };
}

export interface NotificationDecisionInput {
  orderCreated: boolean;
  /** Buying intent: "I want / recommend" or a draft order in progress. */
  buyingIntent: boolean;
  /** Needs a human: asked for one, hours, address, "tell the manager". */
  needsHuman: boolean;
  thanks: boolean;
}

/** The decision matrix: which notification types this turn produces. */
export function decideNotifications(i: NotificationDecisionInput): NotificationType[] {
  const out: NotificationType[] = [];
  if (i.orderCreated) out.push("order");
  else if (i.buyingIntent) out.push("wish");
  if (i.needsHuman) out.push("staff_question");
  if (i.thanks) out.push("feedback");
  return out;
}

export async function listNotifications(
  db: DbOrTx,
  opts: { limit?: number; offset?: number; conversationId?: string } = {},
): Promise<Notification[]> {
  const rows = await db
    .select()
    .from(notifications)
    .where(opts.conversationId ? eq(notifications.conversationId, opts.conversationId) : sql`true`)
    .orderBy(desc(notifications.createdAt))
    .limit(opts.limit ?? 50)
    .offset(opts.offset ?? 0);
  return jsonify(rows);
}
