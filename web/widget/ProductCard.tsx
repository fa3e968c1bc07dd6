import { useState } from "react";
import { formatMoney } from "../shared/format.js";
import { CheckIcon, PlusIcon } from "../shared/icons.js";
import type { PriceTier, Product } from "../shared/schemas.js";
import { useStrings, useWidget } from "./context.js";
import { type ProductSource, trackProduct } from "./tracking.js";

const TYPE_STYLE: Record<string, string> = {
  indica: "bg-violet-50 text-violet-700 ring-violet-200",
  sativa: "bg-amber-50 text-amber-800 ring-amber-200",
  hybrid: "bg-accent-50 text-accent-700 ring-accent-200",
};

/** The tier a customer most likely wants: the smallest one that meets the product's minimum. */
function defaultTier(product: Product): PriceTier | undefined {
  const min = product.minQuantity ?? 0;
  return product.prices.find((p) => (p.grams ?? Number.POSITIVE_INFINITY) >= min) ?? product.prices[0];
}

export function ProductCard({ product, source }: { product: Product; source: ProductSource }) {
  const t = useStrings();
  const { api, useStore } = useWidget();
  const addToCart = useStore((s) => s.addToCart);
  const [tierIndex, setTierIndex] = useState(() => {
    const tier = defaultTier(product);
    return tier ? product.prices.indexOf(tier) : 0;
  });
  const [justAdded, setJustAdded] = useState(false);
  const tier = product.prices[tierIndex];
  const headingId = `p-${product.id}`;

  const add = () => {
    if (!tier) return;
    addToCart(product, tier);
    trackProduct(
      api,
      "product_click",
      product,
      { source, conversationId: useStore.getState().conversationId },
      { action: "add_to_cart", option: tier.label.slice(0, 200) },
    );
    setJustAdded(true);
    setTimeout(() => setJustAdded(false), 1500);
  };

  return (
    <article
      aria-labelledby={headingId}
      className="rounded-2xl border border-line bg-white p-3.5 shadow-[0_1px_2px_rgba(0,0,0,0.04)]"
      data-testid="product-card"
    >
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h4 id={headingId} className="truncate text-[15px] font-semibold text-ink">
            {product.name}
          </h4>
          <p className="mt-0.5 text-xs text-muted">
            {[
              product.category,
              product.thc !== null ? `THC ${product.thc}%` : null,
              product.cbg ? `CBG ${product.cbg}%` : null,
            ]
              .filter(Boolean)
              .join(" · ")}
          </p>
        </div>
        {product.type ? (
          <span
            className={`shrink-0 rounded-full px-2 py-0.5 text-[11px] font-medium capitalize ring-1 ring-inset ${TYPE_STYLE[product.type] ?? "bg-stone-50 text-stone-700 ring-stone-200"}`}
          >
            {product.type}
          </span>
        ) : null}
      </div>
      {product.effects.length > 0 ? (
        <ul className="mt-2 flex flex-wrap gap-1" aria-label="Effects">
          {product.effects.slice(0, 4).map((e) => (
            <li key={e} className="rounded-md bg-canvas px-1.5 py-0.5 text-[11px] text-stone-600">
              {e}
            </li>
          ))}
        </ul>
      ) : null}
      {product.prices.length > 0 ? (
        <fieldset className="mt-3">
          <legend className="sr-only">Size</legend>
          <div className="flex flex-wrap gap-1.5">
            {product.prices.map((p, i) => (
              <label
                key={p.id ?? `${p.label}-${p.price}`}
                className={`cursor-pointer rounded-lg border px-2 py-1 text-xs transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-accent-500 ${
                  i === tierIndex
                    ? "border-accent-600 bg-accent-50 text-accent-800"
                    : "border-line text-stone-700 hover:border-stone-300"
                }`}
              >
                <input
                  type="radio"
                  className="sr-only"
                  name={`tier-${product.id}`}
                  checked={i === tierIndex}
                  onChange={() => setTierIndex(i)}
                />
                <span className="font-medium">{p.label}</span>{" "}
                <span className="text-muted">{formatMoney(p.price)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
      <div className="mt-3 flex items-center justify-between gap-2">
        <span
          className={`flex items-center gap-1.5 text-xs ${product.inStock ? "text-accent-700" : "text-rose-600"}`}
        >
          <span
            className={`size-1.5 rounded-full ${product.inStock ? "bg-accent-500" : "bg-rose-500"}`}
            aria-hidden="true"
          />
          {product.inStock ? t.inStock : t.outOfStock}
          {product.minQuantity && product.minQuantity > 1 ? (
            <span className="text-muted">
              · {t.minimum} {product.minQuantity}
              {product.unit === "g" || !product.unit ? "g" : ` ${product.unit}`}
            </span>
          ) : null}
        </span>
        <button
          type="button"
          onClick={add}
          disabled={!product.inStock || !tier}
          aria-label={`${t.addToCart}: ${product.name}${tier ? `, ${tier.label}` : ""}`}
          className="inline-flex items-center gap-1 rounded-full bg-accent-600 px-3 py-1.5 text-xs font-semibold text-white transition-colors hover:bg-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 disabled:cursor-not-allowed disabled:bg-stone-300"
        >
          {justAdded ? <CheckIcon width={14} height={14} /> : <PlusIcon width={14} height={14} />}
          {justAdded ? t.added : t.addToCart}
        </button>
      </div>
    </article>
  );
}
