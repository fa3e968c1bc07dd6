/**
 * Creating an order: price on the server from the catalog, number it, write it with its
 * history in one transaction, update the customer's stats, invalidate what it changes.
 */
import { eq, sql } from "drizzle-orm";
import { CacheKeys } from "../../cache/keys.js";
import { conversations, orders, userProfiles } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { listCatalog } from "../catalog/index.js";
import { trackEvent } from "../events.js";
import { type Jsonify, jsonify } from "../json.js";
import { type Quote, type QuoteLineInput, type QuoteProblem, quote } from "../pricing.js";
import { profileCacheKeys } from "../profiles.js";
import { getSettings } from "../settings.js";
import { afterOrderChange } from "./events.js";
import { nextOrderNumber } from "./number.js";

export type Order = Jsonify<typeof orders.$inferSelect>;
export const PAYMENT_METHODS = ["cash", "transfer", "crypto"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface CreateOrderInput {
  userProfileId: string;
  conversationId?: string | null;
  items: QuoteLineInput[];
  contactInfo: { name?: string; phone: string; email?: string };
  deliveryAddress: string;
  deliveryNotes?: string | null;
  deliveryLocation?: { latitude: number; longitude: number } | null;
  paymentMethod: PaymentMethod;
  source: "web" | "telegram" | "phone" | "admin";
  /** Staff only: overrides of the settings' delivery fee and a discount. Ignored for customers. */
  deliveryFee?: string;
  discount?: string;
  /** Who creates it, for the status history ("customer", "assistant", "staff:<username>"). */
  createdBy: string;
  /** A retried submit with the same key returns the first order instead of a second one. */
  idempotencyKey?: string;
}

export function describeProblem(p: QuoteProblem): string {
  switch (p.code) {
    case "UNKNOWN_PRODUCT":
      return `product ${p.productId} is not in the catalog`;
    case "VARIANT_REQUIRED":
      return `${p.name}: choose one of ${p.options.join(", ")}`;
    case "UNKNOWN_VARIANT":
      return `product ${p.productId} has no variant ${p.variantId}`;
    case "BELOW_MINIMUM":
      return `${p.name}: the minimum order is ${p.minimum} ${p.unit}`;
    case "OUT_OF_STOCK":
      return `${p.name}: only ${p.available} available`;
    case "BAD_QUANTITY":
      return `quantity ${p.quantity} is not valid`;
    case "NO_PRICE":
      return `${p.name} has no price`;
  }
}

export async function priceOrder(
  deps: Pick<Deps, "db" | "cache">,
  items: QuoteLineInput[],
  overrides: { deliveryFee?: string; discount?: string } = {},
): Promise<Quote> {
  const [catalog, settings] = await Promise.all([listCatalog(deps), getSettings(deps)]);
  return quote(catalog, items, {
    deliveryFee: overrides.deliveryFee ?? settings.deliveryFee,
    discount: overrides.discount ?? "0",
    currency: settings.currency,
  });
}

/** Every cache key an order of this customer touches. */
export function orderCacheKeys(
  profile: { id: string; userId?: string | null; telegramUserId?: number | null },
  orderId?: string,
) {
  return [
    CacheKeys.userOrders(profile.id),
    CacheKeys.pendingOrders(),
    CacheKeys.todayOrders(),
    CacheKeys.todayMetrics(),
    ...(orderId ? [CacheKeys.orderStatus(orderId)] : []),
    ...profileCacheKeys({
      id: profile.id,
      userId: profile.userId ?? null,
      telegramUserId: profile.telegramUserId ?? null,
    }),
  ];
}

export async function createOrder(
  deps: Pick<Deps, "db" | "cache" | "clock"> & Partial<Pick<Deps, "jobs" | "logger">>,
  input: CreateOrderInput,
): Promise<Order> {
  if (input.items.length === 0) throw AppError.validation("items", "at least one item is required");
  const settings = await getSettings(deps);
  const q = await priceOrder(deps, input.items, { deliveryFee: input.deliveryFee, discount: input.discount });
  if (q.problems.length > 0) {
    const first = q.problems[0]!;
    throw new AppError("UNPROCESSABLE", `items: ${describeProblem(first)}`, {
      details: q.problems.map((p) => ({ field: "items", code: p.code, message: describeProblem(p) })),
    });
  }
  const now = deps.clock.now();
  const [profile] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, input.userProfileId));
  if (!profile) throw AppError.notFound("Customer");

  const order = await deps.db.transaction(async (tx) => {
    if (input.idempotencyKey) {
      const [existing] = await tx
        .select()
        .from(orders)
        .where(eq(orders.idempotencyKey, input.idempotencyKey));
      if (existing) return { row: existing, created: false };
    }
    const orderNumber = await nextOrderNumber(tx, now, settings.timeZone);
    const [row] = await tx
      .insert(orders)
      .values({
        orderNumber,
        userProfileId: input.userProfileId,
        conversationId: input.conversationId ?? null,
        status: "pending",
        statusHistory: [{ status: "pending", at: now.toISOString(), by: input.createdBy }],
        items: q.lines as unknown as Array<Record<string, unknown>>,
        subtotal: q.subtotal,
        deliveryFee: q.deliveryFee,
        discount: q.discount,
        totalAmount: q.total,
        currency: q.currency,
        contactInfo: input.contactInfo,
        deliveryAddress: input.deliveryAddress,
        deliveryNotes: input.deliveryNotes ?? null,
        deliveryLocation: input.deliveryLocation ?? null,
        paymentMethod: input.paymentMethod,
        orderSource: input.source === "admin" ? "web" : input.source,
        idempotencyKey: input.idempotencyKey ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: orders.idempotencyKey })
      .returning();
    if (!row) {
      // A concurrent submit with the same idempotency key won the race.
      const [existing] = await tx
        .select()
        .from(orders)
        .where(eq(orders.idempotencyKey, input.idempotencyKey ?? ""));
      if (!existing) throw new AppError("CONFLICT", "order could not be created");
      return { row: existing, created: false };
    }
    await tx
      .update(userProfiles)
      .set({
        totalOrders: sql`${userProfiles.totalOrders} + 1`,
        totalSpent: sql`${userProfiles.totalSpent} + ${q.total}::numeric`,
        phone: input.contactInfo.phone,
        ...(input.contactInfo.name && !profile.displayName ? { displayName: input.contactInfo.name } : {}),
      })
      .where(eq(userProfiles.id, input.userProfileId));
    if (input.conversationId) {
      await tx
        .update(conversations)
        .set({ resultedInOrder: true, orderId: row.id })
        .where(eq(conversations.id, input.conversationId));
    }
    await trackEvent(tx, {
      eventType: "order_success",
      userProfileId: input.userProfileId,
      conversationId: input.conversationId ?? null,
      orderId: row.id,
      channel: input.source,
      eventData: { orderNumber: row.orderNumber, total: row.totalAmount, items: q.lines.length },
      at: now,
    });
    return { row, created: true };
  });
  if (order.created) {
    await deps.cache.delete(...orderCacheKeys(profile, order.row.id));
    if (input.conversationId) {
      await deps.cache.delete(
        CacheKeys.conversation(input.conversationId),
        CacheKeys.conversationList(input.userProfileId),
      );
    }
  }
  const created = jsonify(order.row);
  // The CRM hears about every order, whichever path created it (API, web chat, Telegram).
  if (order.created) await afterOrderChange(deps, created, "order.created");
  return created;
}
