import { and, asc, eq, inArray, notInArray } from "drizzle-orm";
import type { CatalogItem, CatalogItemInput, PriceOption } from "../../services/catalog/types.js";
import type { DbOrTx } from "../client.js";
import { menuItemPrices, menuItems } from "../schema.js";

export function slugify(name: string): string {
  return (
    name
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "") || "item"
  );
}

function label(p: typeof menuItemPrices.$inferSelect): string {
  if (p.kind === "weight") return `${Number(p.grams)}g`;
  return [p.size, p.color].filter(Boolean).join(" / ") || "standard";
}

/** Every active item with its prices, in menu order. */
export async function selectActiveCatalog(db: DbOrTx): Promise<CatalogItem[]> {
  const items = await db
    .select()
    .from(menuItems)
    .where(eq(menuItems.isActive, true))
    .orderBy(asc(menuItems.sortOrder), asc(menuItems.name));
  if (items.length === 0) return [];
  const prices = await db
    .select()
    .from(menuItemPrices)
    .where(
      inArray(
        menuItemPrices.menuItemId,
        items.map((i) => i.id),
      ),
    )
    .orderBy(asc(menuItemPrices.sortOrder));
  const byItem = new Map<string, PriceOption[]>();
  for (const p of prices) {
    const list = byItem.get(p.menuItemId) ?? [];
    list.push({
      id: p.id,
      kind: p.kind as PriceOption["kind"],
      label: label(p),
      grams: p.grams,
      size: p.size,
      color: p.color,
      sku: p.sku,
      price: p.price,
      stock: p.stock,
    });
    byItem.set(p.menuItemId, list);
  }
  return items.map((i) => ({
    id: i.id,
    slug: i.slug,
    name: i.name,
    category: i.category,
    type: i.type,
    thc: i.thc === null ? null : Number(i.thc),
    cbg: i.cbg === null ? null : Number(i.cbg),
    description: i.description,
    effects: i.effects,
    flavors: i.flavors,
    unit: i.unit as CatalogItem["unit"],
    minQuantity: i.minQuantity,
    stock: i.stock,
    inStock: i.inStock,
    isOur: i.isOur,
    imageUrl: i.imageUrl,
    sortOrder: i.sortOrder,
    prices: byItem.get(i.id) ?? [],
  }));
}

export async function countMenuItems(db: DbOrTx): Promise<number> {
  const rows = await db.select({ id: menuItems.id }).from(menuItems).limit(1);
  return rows.length;
}

/**
 * Upserts items by slug (ids stay stable across imports, so carts and orders keep pointing at
 * the same product), replaces their prices, and deactivates items the new list no longer has.
 * Call inside a transaction.
 */
export async function upsertCatalog(tx: DbOrTx, items: CatalogItemInput[], now: Date): Promise<number> {
  const slugs: string[] = [];
  for (const [index, input] of items.entries()) {
    const slug = input.slug ?? slugify(input.name);
    slugs.push(slug);
    const tiers = input.priceTiers ?? [];
    const variants = input.variants ?? [];
    const variantStock = variants.some((v) => v.stock === null || v.stock === undefined)
      ? null
      : variants.reduce((n, v) => n + (v.stock ?? 0), 0);
    const inStock =
      input.unit === "g"
        ? input.stock === null || input.stock === undefined || Number(input.stock) > 0
        : variantStock === null || variantStock > 0;
    const values = {
      slug,
      name: input.name,
      category: input.category.toLowerCase(),
      type: input.type?.toLowerCase() ?? null,
      thc: input.thc ?? null,
      cbg: input.cbg ?? null,
      description: input.description ?? null,
      effects: (input.effects ?? []).map((e) => e.toLowerCase()),
      flavors: (input.flavors ?? []).map((f) => f.toLowerCase()),
      unit: input.unit,
      minQuantity: input.minQuantity ?? "1",
      stock: input.stock ?? null,
      inStock,
      isOur: input.isOur ?? false,
      imageUrl: input.imageUrl ?? null,
      sortOrder: index,
      isActive: true,
      updatedAt: now,
    };
    const [row] = await tx
      .insert(menuItems)
      .values(values)
      .onConflictDoUpdate({ target: menuItems.slug, set: values })
      .returning({ id: menuItems.id });
    if (!row) throw new Error(`could not write menu item ${input.name}`);
    await tx.delete(menuItemPrices).where(eq(menuItemPrices.menuItemId, row.id));
    const priceRows = [
      ...tiers.map((t, i) => ({
        menuItemId: row.id,
        kind: "weight",
        grams: t.grams,
        price: t.price,
        sortOrder: i,
      })),
      ...variants.map((v, i) => ({
        menuItemId: row.id,
        kind: "variant",
        size: v.size ?? null,
        color: v.color ?? null,
        sku: v.sku ?? null,
        price: v.price,
        stock: v.stock ?? null,
        sortOrder: tiers.length + i,
      })),
    ];
    if (priceRows.length > 0) await tx.insert(menuItemPrices).values(priceRows);
  }
  await tx
    .update(menuItems)
    .set({ isActive: false, updatedAt: now })
    .where(
      slugs.length > 0
        ? and(notInArray(menuItems.slug, slugs), eq(menuItems.isActive, true))
        : eq(menuItems.isActive, true),
    );
  return items.length;
}
