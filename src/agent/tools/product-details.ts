/** product_details: one product's description, effects, stock and price per tier or variant. */
import { tool, zodSchema } from "ai";
import { z } from "zod";
import { summarize } from "../products.js";
import { resolveProduct, searchCatalog } from "../search.js";
import { selectProducts } from "../state.js";
import type { ToolContext } from "./context.js";

export const productDetailsInput = z.object({
  product: z.string().min(1).max(500).describe("The product's name (typos are fine) or id"),
});

/** Built once: the JSON schema sent to models is computed on first use and kept. */
const inputSchema = zodSchema(productDetailsInput);
export function productDetailsTool(ctx: ToolContext) {
  return tool({
    description:
      "Details of one product: description, THC/CBG, effects, stock, minimum order and exact prices.",
    inputSchema,
    execute: async ({ product }) => {
      const item = resolveProduct(product, ctx.catalog);
      if (!item) {
        const alternatives = searchCatalog(ctx.catalog, {
          query: product,
          inStockOnly: ctx.useStock,
          limit: 3,
        });
        return {
          found: false as const,
          query: product,
          alternatives: alternatives.items.map(summarize),
          currency: ctx.settings.currency,
        };
      }
      ctx.effects.productIds.push(item.id);
      selectProducts(ctx.state, [item.id]);
      return {
        found: true as const,
        product: { ...summarize(item), stock: item.stock },
        currency: ctx.settings.currency,
      };
    },
  });
}
