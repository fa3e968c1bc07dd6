/**
 * Product analytics from the widget: product_view when the chat shows the assistant's product
 * cards, product_click when the customer acts on one. Sent with POST /api/events and never
 * awaited: a failed event is dropped, the chat and the cart carry on.
 */
import type { CustomerApi, EventData } from "../shared/api.js";
import type { Product } from "../shared/schemas.js";

/** Where the customer met the product (the event's `data.source`). */
export type ProductSource = "agent_recommendation";

export function trackProduct(
  api: CustomerApi,
  type: "product_view" | "product_click",
  product: Pick<Product, "id" | "name">,
  where: { source: ProductSource; conversationId: string | null },
  extra: EventData = {},
): void {
  void api.trackEvent(
    type,
    { ...extra, source: where.source },
    { productId: product.id, productName: product.name, conversationId: where.conversationId },
  );
}
