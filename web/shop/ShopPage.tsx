import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { createClient, customerApi, errorMessage } from "../shared/api.js";
import { formatMoney } from "../shared/format.js";
import { ChatIcon, LeafIcon } from "../shared/icons.js";
import type { Product } from "../shared/schemas.js";

const api = customerApi(createClient(""));

interface ShopkeeperControl {
  ask(text: string): Promise<void>;
  open(): void;
}
const widget = () => (window as unknown as { Shopkeeper?: ShopkeeperControl }).Shopkeeper;

export function ShopPage() {
  const catalog = useQuery({ queryKey: ["catalog"], queryFn: () => api.catalog() });
  const [category, setCategory] = useState<string>("all");
  const categories = useMemo(
    () => ["all", ...new Set((catalog.data ?? []).map((p) => p.category ?? "other"))],
    [catalog.data],
  );
  const shown = (catalog.data ?? []).filter(
    (p) => category === "all" || (p.category ?? "other") === category,
  );

  return (
    <div className="min-h-screen bg-canvas font-sans text-ink antialiased">
      <header className="border-b border-line bg-white/80 backdrop-blur">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-4">
          <a href="/" className="flex items-center gap-2.5 font-semibold tracking-tight">
            <span className="grid size-9 place-items-center rounded-xl bg-accent-800 text-accent-100">
              <LeafIcon />
            </span>
            <span className="text-lg">OG Lab</span>
          </a>
          <nav className="flex items-center gap-5 text-sm text-muted">
            <a href="#menu" className="hover:text-ink">
              Menu
            </a>
            <a href="#delivery" className="hover:text-ink">
              Delivery
            </a>
            <button
              type="button"
              onClick={() => widget()?.open()}
              className="inline-flex items-center gap-1.5 rounded-full bg-ink px-4 py-2 font-medium text-white hover:bg-black"
            >
              <ChatIcon width={16} height={16} /> Ask us
            </button>
          </nav>
        </div>
      </header>

      <section className="mx-auto max-w-6xl px-6 pt-16 pb-10">
        <p className="text-sm font-semibold tracking-wide text-accent-700 uppercase">
          Craft cannabis · Koh Samui
        </p>
        <h1 className="mt-3 max-w-2xl text-4xl leading-tight font-semibold tracking-tight sm:text-5xl">
          Find your strain in a conversation, not a spreadsheet.
        </h1>
        <p className="mt-4 max-w-xl text-lg text-muted">
          Tell our assistant how you want to feel. It knows every strain on the menu, today's stock and
          prices, and can take your order in English, Русский, ไทย or Українська.
        </p>
        <div className="mt-7 flex flex-wrap gap-3">
          {["Something relaxing for tonight", "A creative daytime sativa", "What's new in hash?"].map((q) => (
            <button
              key={q}
              type="button"
              onClick={() => void widget()?.ask(q)}
              className="rounded-full border border-accent-200 bg-white px-4 py-2 text-sm text-accent-800 shadow-sm hover:border-accent-500"
            >
              “{q}”
            </button>
          ))}
        </div>
      </section>

      <section id="menu" className="mx-auto max-w-6xl px-6 pb-20" aria-labelledby="menu-title">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <h2 id="menu-title" className="text-2xl font-semibold tracking-tight">
            Today's menu
          </h2>
          <fieldset className="min-w-0 flex flex-wrap gap-1.5" aria-label="Filter by category">
            {categories.map((c) => (
              <button
                key={c}
                type="button"
                aria-pressed={category === c}
                onClick={() => setCategory(c)}
                className={`rounded-full px-3.5 py-1.5 text-sm capitalize ${
                  category === c
                    ? "bg-accent-700 text-white"
                    : "bg-white text-stone-700 ring-1 ring-line hover:ring-stone-300"
                }`}
              >
                {c}
              </button>
            ))}
          </fieldset>
        </div>
        {catalog.isLoading ? (
          <div className="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-busy="true">
            {[0, 1, 2, 3, 4, 5].map((i) => (
              <div key={i} className="h-44 animate-pulse rounded-2xl bg-white ring-1 ring-line" />
            ))}
          </div>
        ) : catalog.isError ? (
          <p className="mt-8 rounded-xl bg-rose-50 p-4 text-rose-700">
            The menu could not be loaded: {errorMessage(catalog.error)}
          </p>
        ) : shown.length === 0 ? (
          <p className="mt-8 text-muted">No products yet. Import a catalog from the admin dashboard.</p>
        ) : (
          <ul className="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {shown.map((p) => (
              <ProductTile key={p.id} product={p} />
            ))}
          </ul>
        )}
      </section>

      <footer id="delivery" className="border-t border-line bg-white">
        <div className="mx-auto grid max-w-6xl gap-6 px-6 py-10 text-sm text-muted sm:grid-cols-3">
          <div>
            <p className="font-semibold text-ink">Delivery</p>
            <p className="mt-1">Island-wide, usually within the hour. Minimum 20 g flower or 10 g hash.</p>
          </div>
          <div>
            <p className="font-semibold text-ink">Payment</p>
            <p className="mt-1">Cash on delivery, bank transfer or crypto.</p>
          </div>
          <div>
            <p className="font-semibold text-ink">This is a demo</p>
            <p className="mt-1">
              Powered by Shopkeeper. Staff dashboard at{" "}
              <a className="text-accent-700 underline" href="/admin">
                /admin
              </a>
              .
            </p>
          </div>
        </div>
      </footer>
    </div>
  );
}

function ProductTile({ product }: { product: Product }) {
  const from = product.prices[0];
  return (
    <li className="flex flex-col rounded-2xl bg-white p-5 ring-1 ring-line transition-shadow hover:shadow-md">
      <div className="flex items-start justify-between gap-3">
        <div>
          <h3 className="font-semibold">{product.name}</h3>
          <p className="mt-0.5 text-sm text-muted capitalize">
            {[product.category, product.type].filter(Boolean).join(" · ")}
            {product.thc !== null ? ` · THC ${product.thc}%` : ""}
          </p>
        </div>
        {product.isOur ? (
          <span className="rounded-full bg-accent-50 px-2 py-0.5 text-xs font-medium text-accent-800">
            Our own
          </span>
        ) : null}
      </div>
      {product.effects.length > 0 ? (
        <p className="mt-3 text-sm text-stone-600">{product.effects.slice(0, 3).join(", ")}</p>
      ) : null}
      <div className="mt-auto flex items-center justify-between pt-5">
        <span className="text-sm">
          {from ? (
            <>
              <span className="text-muted">from </span>
              <span className="font-semibold">{formatMoney(from.price)}</span>
              <span className="text-muted"> / {from.label}</span>
            </>
          ) : null}
        </span>
        <button
          type="button"
          onClick={() => void widget()?.ask(`Tell me about ${product.name}`)}
          className="rounded-full px-3 py-1.5 text-sm font-medium text-accent-700 ring-1 ring-accent-200 hover:bg-accent-50"
        >
          Ask about it
        </button>
      </div>
    </li>
  );
}
