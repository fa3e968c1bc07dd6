/**
 * An order placed through the API (the widget's checkout, or staff on a customer's behalf):
 * created with server-side prices, then the staff alert record (delivered by the notify-staff
 * job). Orders from the assistant's submit_order tool create their own alert with the same
 * dedupe key (`order:<id>`), so an order is announced once whichever path made it.
 */
import type { Deps } from "../../deps.js";
import { trackEvent } from "../events.js";
import { createNotification, orderPayload } from "../notifications.js";
import { getProfileById } from "../profiles.js";
import { type CreateOrderInput, createOrder, type Order } from "./create.js";

export async function placeOrder(deps: Deps, input: CreateOrderInput): Promise<Order> {
  // The funnel's "order attempt" step: recorded before pricing, so a refused order counts too.
  await trackEvent(deps.db, {
    eventType: "order_attempt",
    userProfileId: input.userProfileId,
    conversationId: input.conversationId ?? null,
    channel: input.source,
    eventData: { stage: "checkout", items: input.items.length },
    at: deps.clock.now(),
  });
  const order = await createOrder(deps, input);
  const profile = await getProfileById(deps, input.userProfileId);
  await createNotification(deps, {
    type: "order",
    subject: { orderId: order.id },
    userProfileId: input.userProfileId,
    conversationId: input.conversationId ?? null,
    orderId: order.id,
    payload: orderPayload(order, { displayName: profile?.displayName }),
  });
  return order;
}
