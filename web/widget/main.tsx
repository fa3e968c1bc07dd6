/**
 * widget.js: the one-script-tag embed. `<script src="https://shop.example/widget.js" defer>`
 * mounts the chat inside a Shadow DOM (the host page's CSS neither leaks in nor gets touched)
 * and talks to the API at the origin the script was loaded from (or `data-api`).
 * Optional attributes: data-api, data-language (en|ru|th|uk), data-shop-name, data-open.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createClient, customerApi, type Language } from "../shared/api.js";
import type { Product } from "../shared/schemas.js";
import { WidgetContext } from "./context.js";
import { detectLanguage } from "./i18n.js";
import { createWidgetStore } from "./store.js";
import { Widget } from "./Widget.js";
import css from "./widget.css?inline";

const HOST_TAG = "shopkeeper-widget";

function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  return document.querySelector<HTMLScriptElement>('script[src*="widget.js"]');
}

/**
 * Tailwind sizes in rem follow the host page's root font size; px keeps the widget the same on
 * every site. @property rules are ignored inside shadow roots, so they are registered globally.
 */
function prepareCss(source: string) {
  // Only values (after space, "(", ",", ":" or a comparison), never escaped class names like h-[calc(100vh-8rem)].
  const shadowCss = source.replace(
    /(?<=[\s(,:=<>])(-?\d*\.?\d+)rem\b/g,
    (_, n: string) => `${Number(n) * 16}px`,
  );
  const properties = source.match(/@property[^{]+\{[^}]*\}/g) ?? [];
  return { shadowCss, globalCss: properties.join("\n") };
}

function mount(script: HTMLScriptElement | null) {
  if (document.querySelector(HOST_TAG)) return;
  const apiOrigin = (
    script?.dataset.api ?? (script?.src ? new URL(script.src, location.href).origin : location.origin)
  ).replace(/\/$/, "");
  const language =
    (script?.dataset.language as Language | undefined) ??
    detectLanguage(navigator.languages ?? [navigator.language]);
  const shopName = script?.dataset.shopName ?? "OG Lab";

  const { shadowCss, globalCss } = prepareCss(css);
  if (globalCss && !document.getElementById("shopkeeper-widget-properties")) {
    const style = document.createElement("style");
    style.id = "shopkeeper-widget-properties";
    style.textContent = globalCss;
    document.head.append(style);
  }

  const host = document.createElement(HOST_TAG);
  // Inline styles beat the host page's selectors; the widget positions itself inside.
  host.setAttribute(
    "style",
    "all: initial; position: fixed; z-index: 2147483000; inset: auto 0 0 auto; width: 0; height: 0;",
  );
  const shadow = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = shadowCss;
  const root = document.createElement("div");
  shadow.append(style, root);
  document.body.append(host);

  const api = customerApi(createClient(apiOrigin));
  const useStore = createWidgetStore(`shopkeeper-widget:${apiOrigin}`, language);
  if (script?.dataset.open === "true") useStore.getState().setOpen(true);
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
  });

  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <WidgetContext.Provider value={{ api, useStore, shopName }}>
          <Widget />
        </WidgetContext.Provider>
      </QueryClientProvider>
    </StrictMode>,
  );

  /** A small API for the host page: buttons like "Ask about this" on a product page. */
  const control = {
    open: () => useStore.getState().setOpen(true),
    close: () => useStore.getState().setOpen(false),
    ask: (text: string) => {
      useStore.getState().setOpen(true);
      return useStore.getState().send(api, text);
    },
    addToCart: (product: Product, tierIndex = 0) => {
      const tier = product.prices[tierIndex];
      if (tier) useStore.getState().addToCart(product, tier);
    },
    showCart: () => {
      useStore.getState().setOpen(true);
      useStore.getState().setView("cart");
    },
  };
  (window as unknown as { Shopkeeper: typeof control }).Shopkeeper = control;
  window.dispatchEvent(new CustomEvent("shopkeeper:ready"));
}

const script = ownScript();
if (document.readyState === "loading")
  document.addEventListener("DOMContentLoaded", () => mount(script), { once: true });
else mount(script);
