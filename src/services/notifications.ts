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

/*
 * One constant statement (prepared once per connection, no query building): the new record's
 * id, or the id of the record its subject already has.
 */
const INSERT_SQL = `with ins as (
    insert into notifications (type, dedupe_key, user_profile_id, conversation_id, order_id, payload, created_at)
    values ($1, $2, $3::uuid, $4::uuid, $5::uuid, $6::jsonb, $7::timestamptz)
    on conflict (dedupe_key) do nothing
    returning id
  )
  select id, true as created from ins
  union all
  select id, false as created from notifications where dedupe_key = $2 and not exists (select 1 from ins)`;
const EXISTING_SQL = "select id from notifications where dedupe_key = $1";

/** A record as a statement that writes many takes it (see notificationInsertSql). */
export interface NotificationRecord {
  type: NotificationType;
  dedupe_key: string;
  user_profile_id: string | null;
  conversation_id: string | null;
  payload: Record<string, unknown>;
  created_at: string;
}

/** The record createNotification would write, as a row for notificationInsertSql. */
export function notificationRecord(
  input: Omit<CreateNotificationInput, "orderId">,
  now: Date,
): NotificationRecord {
  return {
    type: input.type,
    dedupe_key: dedupeKeyFor(input.type, input.subject),
    user_profile_id: input.userProfileId ?? null,
    conversation_id: input.conversationId ?? null,
    payload: input.payload,
    created_at: now.toISOString(),
  };
}

/**
 * Inserts the NotificationRecord rows of a jsonb array parameter, each unless its subject already
 * has one (as createNotification), returning `id, dedupe_key` of the new ones (for a CTE).
 */
export function notificationInsertSql(param: string): string {
  return `insert into notifications (type, dedupe_key, user_profile_id, conversation_id, payload, created_at)
    select type, dedupe_key, user_profile_id, conversation_id, payload, created_at
    from jsonb_to_recordset(${param}::jsonb) as x(type text, dedupe_key text, user_profile_id uuid,
      conversation_id uuid, payload jsonb, created_at timestamptz)
    on conflict (dedupe_key) do nothing
    returning id, dedupe_key`;
}

/** Inserts the record unless its subject already has one; enqueues delivery for a new one. */
export async function createNotification(
  deps: Pick<Deps, "database" | "jobs" | "logger" | "clock">,
  input: CreateNotificationInput,
): Promise<{ id: string; created: boolean }> {
  const dedupeKey = dedupeKeyFor(input.type, input.subject);
  let [row] = await deps.database.query<{ id: string; created: boolean }>(INSERT_SQL, [
    input.type,
    dedupeKey,
    input.userProfileId ?? null,
    input.conversationId ?? null,
    input.orderId ?? null,
    JSON.stringify(input.payload),
    deps.clock.now().toISOString(),
  ]);
  if (!row) {
    // A concurrent insert of the same subject committed after this statement's snapshot.
    const [existing] = await deps.database.query<{ id: string }>(EXISTING_SQL, [dedupeKey]);
    row = { id: existing?.id ?? "", created: false };
  }
  if (!row.created) return { id: row.id, created: false };
  await enqueueNotification(deps, row.id);
  return { id: row.id, created: true };
}

/** Queues delivery of a new record to the staff chat (a no-op without a job queue). */
export async function enqueueNotification(
  deps: Partial<Pick<Deps, "jobs">> & Pick<Deps, "logger">,
  notificationId: string,
): Promise<void> {
  if (!deps.jobs) return;
  // The record is the source of truth; a failed enqueue is retried by whoever sweeps pending rows.
  await deps.jobs
    .enqueue("notify-staff", { notificationId }, { dedupeKey: `notify-staff:${notificationId}` })
    .catch((err) => deps.logger.warn({ err, notificationId }, "notify-staff enqueue failed"));
}

/** The order fields the staff alert shows. */
export type OrderPayloadSource = Pick<
  Order,
  | "id"
  | "orderNumber"
  | "status"
  | "items"
  | "subtotal"
  | "deliveryFee"
  | "discount"
  | "totalAmount"
  | "currency"
  | "contactInfo"
  | "deliveryAddress"
  | "paymentMethod"
  | "orderSource"
>;

/** What the staff chat needs to act on an order: items, amounts, contact, delivery, payment. */
export function orderPayload(order: OrderPayloadSource, customer: { displayName?: string | null }) {
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
