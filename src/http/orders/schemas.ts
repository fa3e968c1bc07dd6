/** Request and response schemas of /api/orders. */
import { z } from "@hono/zod-openapi";
import { AMOUNT_RE, FEE_RE } from "../../services/money.js";
import { PAYMENT_METHODS } from "../../services/orders/create.js";
import { ORDER_STATUSES, PAYMENT_STATUSES } from "../../services/orders/lifecycle.js";
import { IsoDateTime, PhoneNumber } from "../schemas.js";

const uuid = z.uuid();
/** A non-negative amount matching `re` (money.ts: FEE_RE or AMOUNT_RE), as a trimmed string. */
const amount = (re: RegExp, message: string) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => (typeof v === "number" ? v.toFixed(2) : v.trim()))
    .refine((v) => re.test(v), message);
/** At most 99,999,999.99, so a fee can never by itself make an order too large to store. */
const fee = amount(FEE_RE, "must be a non-negative amount like 100 or 100.50, at most 99999999.99");
/** Fits a money column; the quote cuts a discount larger than subtotal + fee down to it. */
const discount = amount(AMOUNT_RE, "must be a non-negative amount like 100 or 100.50, at most 9999999999.99");

export const OrderItemInput = z.object({
  productId: uuid,
  quantity: z.union([z.string().max(12), z.number().positive().max(1_000_000)]),
  variantId: uuid.optional(),
});

export const CreateOrderBody = z
  .object({
    items: z.array(OrderItemInput).min(1).max(50),
    contactInfo: z.object({
      name: z.string().trim().min(1).max(100).optional(),
      phone: PhoneNumber,
      email: z.email().max(200).optional(),
    }),
    deliveryAddress: z.string().trim().min(3).max(500),
    deliveryNotes: z.string().trim().max(1000).optional(),
    deliveryLocation: z
      .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
      .optional(),
    paymentMethod: z.enum(PAYMENT_METHODS),
    conversationId: uuid.optional(),
    /** Staff only; ignored for customers (the cookie names the customer). */
    userProfileId: uuid.optional(),
    /** Staff only; ignored for customers. */
    deliveryFee: fee.optional(),
    /** Staff only; ignored for customers. */
    discount: discount.optional(),
    /** A retried submit with the same key returns the first order. */
    idempotencyKey: z.string().trim().min(8).max(100).optional(),
  })
  .openapi("CreateOrder");

export const OrdersQuery = z.object({
  orderId: uuid.optional(),
  orderNumber: z
    .string()
    .trim()
    .regex(/^OG\d{6}-\d{3,}$/, "must look like OG241011-001")
    .optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  today: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
  /** Staff: only this customer's orders. A customer's list is always their own (ignored). */
  userProfileId: uuid.optional(),
});

/** What PATCH may change; at least one is required. */
const PATCHABLE = ["status", "paymentStatus", "estimatedDelivery"] as const;

export const PatchOrderBody = z
  .object({
    orderId: uuid,
    status: z.enum(ORDER_STATUSES).optional(),
    paymentStatus: z.enum(PAYMENT_STATUSES).optional(),
    /** When the order should arrive (ISO 8601 with a zone); null clears it. */
    estimatedDelivery: IsoDateTime.nullable().optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .superRefine((body, ctx) => {
    if (PATCHABLE.some((f) => body[f] !== undefined)) return;
    // One issue per field, so `details` names each one a client could send.
    for (const f of PATCHABLE)
      ctx.addIssue({
        code: "custom",
        path: [f],
        message: `give at least one of ${PATCHABLE.join(", ")}`,
      });
  })
  .openapi("ChangeOrderStatus");

export const ReviewBody = z
  .object({ rating: z.number().int().min(1).max(5), review: z.string().trim().max(2000).optional() })
  .openapi("OrderReview");

export const OrderSchema = z
  .object({
    id: z.string(),
    orderNumber: z.string(),
    status: z.string(),
    statusHistory: z.array(
      z.object({
        status: z.string(),
        at: z.string(),
        by: z.string(),
        note: z.string().optional(),
        /** Set on the entry of a payment change. */
        paymentStatus: z.enum(PAYMENT_STATUSES).optional(),
        /** Set on the entry of a delivery-time change (null: cleared). */
        estimatedDelivery: z.string().nullable().optional(),
      }),
    ),
    items: z.array(z.record(z.string(), z.unknown())),
    subtotal: z.string(),
    deliveryFee: z.string(),
    discount: z.string(),
    totalAmount: z.string(),
    currency: z.string(),
    paymentMethod: z.string(),
    paymentStatus: z.string().openapi({ example: "pending", description: "pending | paid | refunded" }),
    estimatedDelivery: z.string().nullable().openapi({ format: "date-time" }),
  })
  .loose()
  .openapi("Order");
