/** search_catalog: find products by name (typos, transliteration), effect, type, category or price. */
import { tool, zodSchema } from "ai";
import { z } from "zod";
import { summarize } from "../products.js";
import { searchCatalog } from "../search.js";
import { selectProducts } from "../state.js";
import type { ToolContext } from "./context.js";

export const searchCatalogInput = z.object({
  query: z
    .string()
    .max(500)
    .optional()
    .describe("What the customer asked for, in their own words: a product name, an effect, a flavour..."),
  effect: z.string().max(50).optional().describe("e.g. relaxing, sleepy, energizing, creative, focused"),
  type: z.string().max(20).optional().describe("indica | sativa | hybrid"),
  category: z
    .string()
    .max(30)
    .optional()
    .describe("flower | hash | edibles | pre-rolls | accessories | merch"),
  maxPrice: z.number().positive().optional().describe("Upper bound of the entry price in the shop currency"),
  minPrice: z.number().positive().optional(),
});

/** Built once: the JSON schema sent to models is computed on first use and kept. */
const inputSchema = zodSchema(searchCatalogInput);
export function searchCatalogTool(ctx: ToolContext) {
  return tool({
    description:
      "Search the shop's catalog. Understands product names with typos or in Cyrillic, effects, types, categories and price limits in any language. Always use it before recommending products.",
    inputSchema,
    execute: async (input) => {
      const { items, matched } = searchCatalog(ctx.catalog, {
        ...input,
        inStockOnly: ctx.useStock,
        limit: 5,
      });
      const ids = items.map((i) => i.id);
      ctx.effects.productIds.push(...ids);
      selectProducts(ctx.state, ids.slice(0, 3));
      return { products: items.map(summarize), matched, currency: ctx.settings.currency };
    },
  });
}
