/** The assistant's tool set, bound to one turn's server-side context. */
import type { ToolContext } from "./context.js";
import { myOrdersTool } from "./my-orders.js";
import { notifyStaffTool } from "./notify-staff.js";
import { productDetailsTool } from "./product-details.js";
import { rememberFactTool } from "./remember-fact.js";
import { searchCatalogTool } from "./search-catalog.js";
import { submitOrderTool } from "./submit-order.js";
import { updateDraftOrderTool } from "./update-draft-order.js";

export function buildTools(ctx: ToolContext) {
  return {
    search_catalog: searchCatalogTool(ctx),
    product_details: productDetailsTool(ctx),
    update_draft_order: updateDraftOrderTool(ctx),
    submit_order: submitOrderTool(ctx),
    notify_staff: notifyStaffTool(ctx),
    remember_fact: rememberFactTool(ctx),
    my_orders: myOrdersTool(ctx),
  };
}

export type AgentTools = ReturnType<typeof buildTools>;
export const TOOL_NAMES = [
  "search_catalog",
  "product_details",
  "update_draft_order",
  "submit_order",
  "notify_staff",
  "remember_fact",
  "my_orders",
] as const;
export type { ToolContext, TurnEffects } from "./context.js";
export { newEffects } from "./context.js";
