/** A customer rates their own completed order once: 1-5 stars and an optional review. */
import { and, eq, isNull } from "drizzle-orm";
import { orders } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { trackEvent } from "../events.js";
import { jsonify } from "../json.js";
import type { Order } from "./create.js";
import { getOrderForViewer } from "./read.js";
import { invalidateOrder } from "./status.js";

export async function rateOrder(
  deps: Pick<Deps, "db" | "cache" | "clock">,
  input: { orderId: string; profileId: string; rating: number; review?: string },
): Promise<Order> {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
    throw AppError.validation("rating", "must be a whole number from 1 to 5");
  }
  const order = await getOrderForViewer(deps, input.orderId, {
    kind: "customer",
    profileId: input.profileId,
  });
  if (order.status !== "completed") {
    throw new AppError(
      "INVALID_TRANSITION",
      `Only a completed order can be rated (this one is ${order.status})`,
      {
        details: [{ field: "orderId", status: order.status }],
      },
    );
  }
  const now = deps.clock.now();
  const row = await deps.db.transaction(async (tx) => {
    // `rating is null` makes the first rating final even under concurrent submits.
    const [updated] = await tx
      .update(orders)
      .set({ rating: input.rating, review: input.review?.trim() || null, updatedAt: now })
      .where(and(eq(orders.id, order.id), eq(orders.status, "completed"), isNull(orders.rating)))
      .returning();
    if (!updated) throw new AppError("CONFLICT", "This order has already been rated");
    await trackEvent(tx, {
      eventType: "feedback",
      userProfileId: input.profileId,
      orderId: order.id,
      eventData: { rating: input.rating, hasReview: Boolean(input.review?.trim()) },
      at: now,
    });
    return updated;
  });
  const rated = jsonify(row);
  await invalidateOrder(deps, rated);
  return rated;
}
