/**
 * What follows an order write, outside its transaction: the customer hears about a status
 * change in Telegram, the CRM webhook gets the event. Both go through the job queue so a slow
 * Telegram or CRM never slows the request, and a failure is retried rather than lost.
 */
import type { Deps } from "../../deps.js";
import { redactText } from "../../logger.js";
import { enqueueOrderWebhook } from "../webhooks.js";
import type { Order } from "./create.js";

export type OrderEvent = "order.created" | "order.status_changed" | "order.cancelled" | "order.updated";

export const CUSTOMER_STATUS_JOB = "notify-customer-order-status";

export async function afterOrderChange(
  deps: Pick<Deps, "db" | "cache" | "clock"> & Partial<Pick<Deps, "jobs" | "logger">>,
  order: Order,
  event: OrderEvent,
): Promise<void> {
  try {
    if (event !== "order.created" && event !== "order.updated" && deps.jobs) {
      await deps.jobs.enqueue(
        CUSTOMER_STATUS_JOB,
        { orderId: order.id, status: order.status },
        { dedupeKey: `order-status:${order.id}:${order.status}` },
      );
    }
    await enqueueOrderWebhook(deps, event, order);
  } catch (err) {
    // The order is already committed; a queue outage must not turn its write into an error.
    deps.logger?.error(
      { err: redactText(String(err)), orderId: order.id, event },
      "order follow-up not queued",
    );
  }
}
