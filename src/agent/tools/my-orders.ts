/**
 * my_orders: the customer's own recent orders, or one of them by number — number, the server's
 * status, items, total, when it was placed and the latest status change. The customer is the
 * turn's profile (the server's), never an argument: an order number that is not this customer's
 * is answered exactly like one that does not exist. Read through the order services' caches
 * (orders:user:{profileId}, order:status:{id}).
 */
import { tool, zodSchema } from "ai";
import { z } from "zod";
import { customerOrders } from "../../services/orders/customer-orders.js";
import type { ToolContext } from "./context.js";

export const myOrdersInput = z.object({
  orderNumber: z
    .string()
    .max(40)
    .optional()
    .describe("An order number the customer named, e.g. OG260310-001; leave out for their recent orders"),
});

/** Built once: the JSON schema sent to models is computed on first use and kept. */
const inputSchema = zodSchema(myOrdersInput);
export function myOrdersTool(ctx: ToolContext) {
  return tool({
    description:
      "The customer's own orders: number, status, items, total, when placed, the latest status change and the expected delivery time if staff set one. Use it when they ask about an order they placed (status, where it is, when it arrives). Pass orderNumber only if they named one. Tell them the status exactly as returned.",
    inputSchema,
    execute: async ({ orderNumber }) => {
      ctx.effects.personal = true;
      return customerOrders(ctx.deps, ctx.profile.id, { orderNumber });
    },
  });
}
