/**
 * Changing an order's status: one locked transaction checks the transition, appends to
 * status_history, stamps the stage time and (on cancel) takes the order out of the customer's
 * total_spent. After commit: caches invalidated, the customer told (Telegram), the CRM told.
 *
 * updateOrder() also changes the payment status and the estimated delivery (staff, PATCH
 * /api/orders): the same lock and history, one entry per request with who did it; the CRM hears
 * `order.updated` for those (and the status event as well when the status moved too).
 */
import { eq, sql } from "drizzle-orm";
import { CacheKeys } from "../../cache/keys.js";
import type { DbOrTx } from "../../db/client.js";
import { lockOrder, type OrderRow } from "../../db/queries/orders.js";
import { orders, userProfiles } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { jsonify } from "../json.js";
import { getProfileById } from "../profiles.js";
import { type Order, orderCacheKeys } from "./create.js";
import { afterOrderChange } from "./events.js";
import {
  canTransition,
  isFinal,
  type OrderStatus,
  type PaymentStatus,
  paymentRefusal,
  STAGE_COLUMN,
} from "./lifecycle.js";

export interface StatusChange {
  orderId: string;
  status: OrderStatus;
  /** Required when cancelling: it becomes the cancellation reason. */
  note?: string;
  /** "staff:<username>", "customer", "system" */
  by: string;
}

type StatusDeps = Pick<Deps, "db" | "cache" | "clock"> & Partial<Pick<Deps, "jobs" | "logger">>;

export async function changeOrderStatus(deps: StatusDeps, change: StatusChange): Promise<Order> {
  const note = change.note?.trim() || undefined;
  if (change.status === "cancelled" && !note)
    throw AppError.validation("note", "a reason is required to cancel");
  const now = deps.clock.now();
  const updated = await deps.db.transaction(async (tx) => {
    const current = await lockOrder(tx, change.orderId);
    if (!current) throw AppError.notFound("Order");
    refuseBadTransition(current.status as OrderStatus, change.status);
    const entry = { status: change.status, at: now.toISOString(), by: change.by, ...(note ? { note } : {}) };
    const [row] = await tx
      .update(orders)
      .set({
        ...statusColumns(change.status, now, note),
        statusHistory: [...current.statusHistory, entry],
        updatedAt: now,
      })
      .where(eq(orders.id, current.id))
      .returning();
    if (!row) throw AppError.notFound("Order");
    if (change.status === "cancelled") await takeOutOfTotalSpent(tx, current);
    return row;
  });
  const order = jsonify(updated);
  await invalidateOrder(deps, order);
  await afterOrderChange(
    deps,
    order,
    change.status === "cancelled" ? "order.cancelled" : "order.status_changed",
  );
  return order;
}

/** The columns a move to `status` sets: the status, its stage time, delivery or the reason. */
function statusColumns(status: OrderStatus, now: Date, note: string | undefined) {
  return {
    status,
    [STAGE_COLUMN[status as keyof typeof STAGE_COLUMN]]: now,
    ...(status === "completed" ? { actualDelivery: now } : {}),
    ...(status === "cancelled" ? { cancellationReason: note } : {}),
  };
}

/** A cancelled order no longer counts in its customer's total_spent (never below 0). */
async function takeOutOfTotalSpent(tx: DbOrTx, order: OrderRow) {
  if (!order.userProfileId) return;
  await tx
    .update(userProfiles)
    .set({ totalSpent: sql`greatest(${userProfiles.totalSpent} - ${order.totalAmount}::numeric, 0)` })
    .where(eq(userProfiles.id, order.userProfileId));
}

function refuseBadTransition(from: OrderStatus, to: OrderStatus) {
  if (canTransition(from, to)) return;
  const why = isFinal(from) ? ` (${from} is final)` : "";
  throw new AppError("INVALID_TRANSITION", `Cannot change order from ${from} to ${to}${why}`, {
    details: [{ field: "status", from, to }],
  });
}

export interface OrderUpdate {
  orderId: string;
  status?: OrderStatus;
  paymentStatus?: PaymentStatus;
  /** undefined leaves it as it is; null clears it. */
  estimatedDelivery?: Date | null;
  /** Kept in the history entry; required (the cancellation reason) when cancelling. */
  note?: string;
  /** "staff:<username>", "customer", "system" */
  by: string;
}

/** A status_history entry; payment and delivery-time changes carry what they set. */
type HistoryEntry = {
  status: string;
  at: string;
  by: string;
  note?: string;
  paymentStatus?: PaymentStatus;
  estimatedDelivery?: string | null;
};

/**
 * Staff's PATCH: any of status, payment status and estimated delivery, in one locked
 * transaction and one history entry (its `status` is the order's status after the change, so
 * the last entry always names the current status). A status-only change is changeOrderStatus.
 * Refused with 409: payment moves paymentRefusal() refuses (paid on a cancelled order, a refund
 * of an unpaid one…), and a delivery time set on a completed or cancelled order. An unchanged
 * delivery time is no change; a request that changes nothing writes and sends nothing.
 */
export async function updateOrder(deps: StatusDeps, change: OrderUpdate): Promise<Order> {
  if (change.paymentStatus === undefined && change.estimatedDelivery === undefined) {
    if (!change.status)
      throw AppError.validation("status", "give status, paymentStatus or estimatedDelivery (at least one)");
    return changeOrderStatus(deps, {
      orderId: change.orderId,
      status: change.status,
      note: change.note,
      by: change.by,
    });
  }
  const note = change.note?.trim() || undefined;
  if (change.status === "cancelled" && !note)
    throw AppError.validation("note", "a reason is required to cancel");
  const now = deps.clock.now();
  const { row, statusChanged, detailsChanged } = await deps.db.transaction(async (tx) => {
    const current = await lockOrder(tx, change.orderId);
    if (!current) throw AppError.notFound("Order");
    const statusAfter = change.status ?? current.status;
    const entry: HistoryEntry = { status: statusAfter, at: now.toISOString(), by: change.by };
    const set: Partial<typeof orders.$inferInsert> = {};
    if (change.status) {
      refuseBadTransition(current.status as OrderStatus, change.status);
      Object.assign(set, statusColumns(change.status, now, note));
    }
    if (change.paymentStatus) {
      const from = current.paymentStatus;
      const why = paymentRefusal(from, change.paymentStatus, statusAfter);
      if (why)
        throw new AppError("INVALID_TRANSITION", `${why} (order ${current.orderNumber})`, {
          details: [{ field: "paymentStatus", from, to: change.paymentStatus, orderStatus: statusAfter }],
        });
      set.paymentStatus = change.paymentStatus;
      entry.paymentStatus = change.paymentStatus;
    }
    const eta = change.estimatedDelivery;
    if (eta !== undefined && (eta?.getTime() ?? null) !== (current.estimatedDelivery?.getTime() ?? null)) {
      if (isFinal(statusAfter as OrderStatus))
        throw new AppError(
          "INVALID_TRANSITION",
          `Cannot change the estimated delivery of order ${current.orderNumber}: it is ${statusAfter}`,
          { details: [{ field: "estimatedDelivery", orderStatus: statusAfter }] },
        );
      set.estimatedDelivery = eta;
      entry.estimatedDelivery = eta ? eta.toISOString() : null;
    }
    const detailsChanged = "paymentStatus" in entry || "estimatedDelivery" in entry;
    if (!change.status && !detailsChanged) return { row: current, statusChanged: false, detailsChanged };
    if (note) entry.note = note;
    const [row] = await tx
      .update(orders)
      .set({ ...set, statusHistory: [...current.statusHistory, entry], updatedAt: now })
      .where(eq(orders.id, current.id))
      .returning();
    if (!row) throw AppError.notFound("Order");
    if (change.status === "cancelled") await takeOutOfTotalSpent(tx, current);
    return { row, statusChanged: Boolean(change.status), detailsChanged };
  });
  const order = jsonify(row);
  if (!statusChanged && !detailsChanged) return order;
  await invalidateOrder(deps, order);
  if (statusChanged)
    await afterOrderChange(
      deps,
      order,
      change.status === "cancelled" ? "order.cancelled" : "order.status_changed",
    );
  if (detailsChanged) await afterOrderChange(deps, order, "order.updated");
  return order;
}

/** Drops every cache entry an order write touches (its status, lists, the customer's context). */
export async function invalidateOrder(
  deps: Pick<Deps, "db" | "cache">,
  order: Pick<Order, "id" | "userProfileId">,
) {
  const profile = order.userProfileId ? await getProfileById(deps, order.userProfileId) : undefined;
  const keys = profile
    ? orderCacheKeys(profile, order.id)
    : [
        CacheKeys.orderStatus(order.id),
        CacheKeys.pendingOrders(),
        CacheKeys.todayOrders(),
        CacheKeys.todayMetrics(),
      ];
  await deps.cache.delete(...keys);
}
