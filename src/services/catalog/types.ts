/** Catalog shapes: what the import and the demo write, and what every reader gets. */
export interface PriceTierInput {
  /** Pack weight in grams, e.g. "1", "5", "20". */
  grams: string;
  /** Price of that pack, e.g. "6000.00". */
  price: string;
}

export interface VariantInput {
  size?: string;
  color?: string;
  sku?: string;
  price: string;
  stock?: number | null;
}

export interface CatalogItemInput {
  name: string;
  slug?: string;
  category: string;
  type?: string | null;
  thc?: string | null;
  cbg?: string | null;
  description?: string | null;
  effects?: string[];
  flavors?: string[];
  isOur?: boolean;
  unit: "g" | "pcs";
  minQuantity?: string;
  stock?: string | null;
  imageUrl?: string | null;
  priceTiers?: PriceTierInput[];
  variants?: VariantInput[];
}

export interface PriceOption {
  id: string;
  kind: "weight" | "variant";
  /** "1g", "5g", "20g" or "M / black" */
  label: string;
  grams: string | null;
  size: string | null;
  color: string | null;
  sku: string | null;
  price: string;
  stock: number | null;
}

export interface CatalogItem {
  id: string;
  slug: string;
  name: string;
  category: string;
  type: string | null;
  thc: number | null;
  cbg: number | null;
  description: string | null;
  effects: string[];
  flavors: string[];
  unit: "g" | "pcs";
  minQuantity: string;
  stock: string | null;
  inStock: boolean;
  isOur: boolean;
  imageUrl: string | null;
  sortOrder: number;
  prices: PriceOption[];
}

export interface CatalogFilter {
  category?: string;
  type?: string;
  effect?: string;
  q?: string;
  inStock?: boolean;
}
