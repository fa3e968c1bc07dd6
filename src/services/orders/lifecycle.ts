/**
 * The order lifecycle: pending → confirmed → preparing → delivering → completed, and cancelled
 * from any state that is not final. Nothing else is allowed; a refused move names itself.
 */
export const ORDER_STATUSES = [
  "pending",
  "confirmed",
  "preparing",
  "delivering",
  "completed",
  "cancelled",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const NEXT: Record<OrderStatus, OrderStatus | undefined> = {
  pending: "confirmed",
  confirmed: "preparing",
  preparing: "delivering",
  delivering: "completed",
  completed: undefined,
  cancelled: undefined,
};

export function isFinal(s: OrderStatus): boolean {
  return s === "completed" || s === "cancelled";
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  if (to === "cancelled") return !isFinal(from);
  return NEXT[from] === to;
}

/** The column that records when an order entered a stage. */
export const STAGE_COLUMN = {
  confirmed: "confirmedAt",
  preparing: "preparingAt",
  delivering: "deliveringAt",
  completed: "completedAt",
  cancelled: "cancelledAt",
} as const;

/**
 * Payment: pending → paid → refunded, nothing else. An order is marked paid only while it is not
 * cancelled, and only a paid order can be refunded (a cancelled one included). There is no way
 * back to pending: a payment taken by mistake is refunded, so the history stays truthful.
 */
export const PAYMENT_STATUSES = ["pending", "paid", "refunded"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Why a payment change is refused (a sentence for the 409), or undefined when it is allowed. */
export function paymentRefusal(from: string, to: PaymentStatus, orderStatus: string): string | undefined {
  if (from === to) return `Payment is already ${to}`;
  switch (to) {
    case "paid":
      if (orderStatus === "cancelled") return "Cannot mark a cancelled order paid";
      return from === "pending" ? undefined : `Cannot change payment from ${from} to paid`;
    case "refunded":
      return from === "paid"
        ? undefined
        : `Cannot refund a payment that is ${from} (only a paid order can be refunded)`;
    case "pending":
      return `Cannot change payment from ${from} back to pending (refund it instead)`;
  }
}
