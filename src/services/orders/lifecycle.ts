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
