/**
 * Changing an order's status: one locked transaction checks the transition, appends to
 * status_history, stamps the stage time and (on cancel) takes the order out of the customer's
 * total_spent. After commit: caches invalidated, the customer told (Telegram), the CRM told.
 */
import { eq, sql } from "drizzle-orm";
import { CacheKeys } from "../../cache/keys.js";
import { lockOrder } from "../../db/queries/orders.js";
import { orders, userProfiles } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { jsonify } from "../json.js";
import { getProfileById } from "../profiles.js";
import { type Order, orderCacheKeys } from "./create.js";
import { afterOrderChange } from "./events.js";
import { canTransition, isFinal, type OrderStatus, STAGE_COLUMN } from "./lifecycle.js";

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
    const from = current.status as OrderStatus;
    if (!canTransition(from, change.status)) {
      const why = isFinal(from) ? ` (${from} is final)` : "";
      throw new AppError("INVALID_TRANSITION", `Cannot change order from ${from} to ${change.status}${why}`, {
        details: [{ field: "status", from, to: change.status }],
      });
    }
    const entry = { status: change.status, at: now.toISOString(), by: change.by, ...(note ? { note } : {}) };
    const [row] = await tx
      .update(orders)
      .set({
        status: change.status,
        statusHistory: [...current.statusHistory, entry],
        [STAGE_COLUMN[change.status as keyof typeof STAGE_COLUMN]]: now,
        ...(change.status === "completed" ? { actualDelivery: now } : {}),
        ...(change.status === "cancelled" ? { cancellationReason: note } : {}),
        updatedAt: now,
      })
      .where(eq(orders.id, current.id))
      .returning();
    if (!row) throw AppError.notFound("Order");
    if (change.status === "cancelled" && current.userProfileId) {
      await tx
        .update(userProfiles)
        .set({ totalSpent: sql`greatest(${userProfiles.totalSpent} - ${current.totalAmount}::numeric, 0)` })
        .where(eq(userProfiles.id, current.userProfileId));
    }
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
