/** GET /api/catalog: the public menu, filterable by category, type, effect, text and stock. */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { filterCatalog, listCatalog } from "../../services/catalog/index.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

const term = (example: string) => z.string().trim().min(1).max(100).optional().openapi({ example });

export const CatalogQuery = z.object({
  category: term("flower"),
  type: term("indica"),
  effect: term("relaxing"),
  q: term("kush").openapi({ description: "Text search in name, effects, flavors and description" }),
  inStock: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({ type: "string", enum: ["true", "false"] }),
});

const PriceOptionSchema = z.object({
  id: z.string(),
  kind: z.enum(["weight", "variant"]),
  label: z.string().openapi({ example: "5g" }),
  grams: z.string().nullable(),
  size: z.string().nullable(),
  color: z.string().nullable(),
  sku: z.string().nullable(),
  price: z.string().openapi({ example: "2000.00", description: "Exact decimal string" }),
  stock: z.number().nullable(),
});

export const CatalogItemSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    category: z.string(),
    type: z.string().nullable(),
    thc: z.number().nullable(),
    cbg: z.number().nullable(),
    description: z.string().nullable(),
    effects: z.array(z.string()),
    flavors: z.array(z.string()),
    unit: z.enum(["g", "pcs"]),
    minQuantity: z.string(),
    stock: z.string().nullable(),
    inStock: z.boolean(),
    isOur: z.boolean(),
    imageUrl: z.string().nullable(),
    sortOrder: z.number(),
    prices: z.array(PriceOptionSchema),
  })
  .openapi("CatalogItem");

const CatalogResponse = z.object({ items: z.array(CatalogItemSchema), total: z.number() }).openapi("Catalog");

const route = createRoute({
  method: "get",
  path: "/catalog",
  tags: ["catalog"],
  summary: "The shop's catalog (public), with optional filters",
  request: { query: CatalogQuery },
  responses: {
    200: jsonContent(CatalogResponse, "Matching items in menu order"),
    400: jsonContent(ErrorSchema, "A filter is invalid"),
  },
});

export function catalogRoutes(deps: Deps) {
  return newRouter().openapi(route, async (c) => {
    const items = filterCatalog(await listCatalog(deps), c.req.valid("query"));
    return c.json({ items, total: items.length }, 200);
  });
}
