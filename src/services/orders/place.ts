/**
 * An order placed through the API (the widget's checkout, or staff on a customer's behalf):
 * created with server-side prices, then the staff alert record (delivered by the notify-staff
 * job). Orders from the assistant's submit_order tool create their own alert with the same
 * dedupe key (`order:<id>`), so an order is announced once whichever path made it.
 */
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { trackEvent } from "../events.js";
import { createNotification, orderPayload } from "../notifications.js";
import { getProfileById } from "../profiles.js";
import { type CreateOrderInput, createOrderRecord, type Order } from "./create.js";

/**
 * `created` is false when the idempotency key already had an order: that order is returned
 * (a retried checkout), and no second alert is written. A key reused for a different order
 * (other items, quantities, address, payment or phone) is a CONFLICT naming idempotencyKey.
 */
export async function placeOrder(
  deps: Deps,
  input: CreateOrderInput,
): Promise<{ order: Order; created: boolean }> {
  // The funnel's "order attempt" step: recorded before pricing, so a refused order counts too.
  await trackEvent(deps.db, {
    eventType: "order_attempt",
    userProfileId: input.userProfileId,
    conversationId: input.conversationId ?? null,
    channel: input.source,
    eventData: { stage: "checkout", items: input.items.length },
    at: deps.clock.now(),
  });
  const { order, created } = await createOrderRecord(deps, input);
  if (!created) {
    if (!sameOrder(order, input))
      throw new AppError("CONFLICT", "idempotencyKey: already used for a different order", {
        details: [{ field: "idempotencyKey", message: "already used for a different order" }],
      });
    return { order, created };
  }
  const profile = await getProfileById(deps, input.userProfileId);
  await createNotification(deps, {
    type: "order",
    subject: { orderId: order.id },
    userProfileId: input.userProfileId,
    conversationId: input.conversationId ?? null,
    orderId: order.id,
    payload: orderPayload(order, { displayName: profile?.displayName }),
  });
  return { order, created };
}

/** Whether an existing order is what this request asks for (its retry), line by line. */
function sameOrder(order: Order, input: CreateOrderInput): boolean {
  const lines = order.items as Array<{ product_id?: string; variant_id?: string | null; quantity?: number }>;
  return (
    order.deliveryAddress === input.deliveryAddress &&
    order.paymentMethod === input.paymentMethod &&
    (order.contactInfo as { phone?: string } | null)?.phone === input.contactInfo.phone &&
    lines.length === input.items.length &&
    input.items.every((want, i) => {
      const line = lines[i];
      return (
        line?.product_id === want.productId &&
        Number(line.quantity) === Number(want.quantity) &&
        (want.variantId === undefined || line.variant_id === want.variantId)
      );
    })
  );
}
