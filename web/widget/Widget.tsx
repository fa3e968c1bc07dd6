import { useEffect, useRef } from "react";
import { CartIcon, ChatIcon, CloseIcon, LeafIcon, NewIcon } from "../shared/icons.js";
import { CartView } from "./CartView.js";
import { ChatView } from "./ChatView.js";
import { CheckoutView } from "./CheckoutView.js";
import { useStrings, useWidget } from "./context.js";
import { LANGUAGES } from "./i18n.js";
import { OrdersView } from "./OrdersView.js";
import type { View } from "./store.js";

export function Widget() {
  const t = useStrings();
  const { useStore, shopName } = useWidget();
  const open = useStore((s) => s.open);
  const setOpen = useStore((s) => s.setOpen);
  const cartCount = useStore((s) => s.cart.length);
  const launcher = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const wasOpen = useRef(open);

  // Focus follows the panel: into the message box on open, back to the launcher on close.
  useEffect(() => {
    if (open && !wasOpen.current) setTimeout(() => input.current?.focus(), 0);
    if (!open && wasOpen.current) launcher.current?.focus();
    wasOpen.current = open;
  }, [open]);

  return (
    <div className="font-sans text-ink antialiased">
      {open ? <Panel shopName={shopName} inputRef={input} onClose={() => setOpen(false)} /> : null}
      <button
        ref={launcher}
        type="button"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        aria-controls="sk-panel"
        aria-label={open ? t.closeChat : t.openChat}
        data-testid="launcher"
        className={`fixed right-5 bottom-5 z-10 grid size-14 place-items-center rounded-full bg-accent-700 text-white shadow-[0_10px_30px_-8px_rgba(23,74,52,0.6)] transition-transform duration-200 hover:scale-105 hover:bg-accent-800 focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-accent-500 ${
          open ? "max-sm:hidden" : ""
        }`}
      >
        {open ? <CloseIcon width={24} height={24} /> : <ChatIcon width={26} height={26} />}
        {!open && cartCount > 0 ? (
          <span className="absolute -top-1 -right-1 grid size-5 place-items-center rounded-full bg-amber-400 text-[11px] font-bold text-ink ring-2 ring-white">
            {cartCount}
          </span>
        ) : null}
      </button>
    </div>
  );
}

function Panel({
  shopName,
  inputRef,
  onClose,
}: {
  shopName: string;
  inputRef: React.RefObject<HTMLTextAreaElement | null>;
  onClose: () => void;
}) {
  const t = useStrings();
  const { useStore } = useWidget();
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const language = useStore((s) => s.language);
  const setLanguage = useStore((s) => s.setLanguage);
  const cartCount = useStore((s) => s.cart.length);
  const newConversation = useStore((s) => s.newConversation);
  const hasMessages = useStore((s) => s.messages.length > 0);

  const tabs: Array<{ id: View; label: string; badge?: number }> = [
    { id: "chat", label: t.chat },
    { id: "cart", label: t.cart, badge: cartCount },
    { id: "orders", label: t.orders },
  ];
  const activeTab = view === "checkout" ? "cart" : view;

  return (
    <section
      id="sk-panel"
      role="dialog"
      aria-modal="false"
      aria-label={`${t.title} — ${shopName}`}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
      data-testid="panel"
      className="fixed inset-0 z-10 flex flex-col overflow-hidden bg-canvas sm:inset-auto sm:right-5 sm:bottom-24 sm:h-[min(680px,calc(100vh-8rem))] sm:w-[400px] sm:rounded-3xl sm:shadow-[0_24px_60px_-12px_rgba(28,31,29,0.35)] sm:ring-1 sm:ring-black/5"
    >
      <header className="bg-accent-800 px-4 pt-4 text-white">
        <div className="flex items-center gap-3">
          <div className="grid size-10 shrink-0 place-items-center rounded-full bg-white/10 ring-1 ring-white/20">
            <LeafIcon />
          </div>
          <div className="min-w-0 flex-1">
            <h2 className="truncate text-[15px] font-semibold leading-tight">{shopName}</h2>
            <p className="flex min-w-0 items-center gap-1.5 text-xs whitespace-nowrap text-accent-100">
              <span className="size-1.5 shrink-0 rounded-full bg-emerald-300" aria-hidden="true" />
              <span className="truncate">{t.subtitle}</span>
            </p>
          </div>
          <label className="sr-only" htmlFor="sk-lang">
            {t.language}
          </label>
          <select
            id="sk-lang"
            value={language}
            onChange={(e) => setLanguage(e.target.value as typeof language)}
            className="h-8 max-w-28 cursor-pointer rounded-lg border-0 bg-white/10 px-2 text-xs font-medium text-white outline-none ring-1 ring-white/20 focus-visible:ring-2 focus-visible:ring-white [&>option]:text-ink"
          >
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code}>
                {l.label}
              </option>
            ))}
          </select>
          {hasMessages ? (
            <button
              type="button"
              onClick={newConversation}
              aria-label={t.newChat}
              title={t.newChat}
              className="grid size-8 place-items-center rounded-lg text-white/80 hover:bg-white/10 hover:text-white focus-visible:outline-2 focus-visible:outline-white"
            >
              <NewIcon width={17} height={17} />
            </button>
          ) : null}
          <button
            type="button"
            onClick={onClose}
            aria-label={t.closeChat}
            className="grid size-8 place-items-center rounded-lg text-white/80 hover:bg-white/10 hover:text-white focus-visible:outline-2 focus-visible:outline-white"
          >
            <CloseIcon width={18} height={18} />
          </button>
        </div>
        <nav className="mt-3 flex gap-1" aria-label="Widget sections">
          {tabs.map((tab) => (
            <button
              key={tab.id}
              type="button"
              onClick={() => setView(tab.id)}
              aria-current={activeTab === tab.id ? "page" : undefined}
              className={`relative flex items-center gap-1.5 rounded-t-xl px-3.5 py-2 text-[13px] font-medium transition-colors focus-visible:outline-2 focus-visible:outline-white ${
                activeTab === tab.id ? "bg-canvas text-accent-800" : "text-white/75 hover:text-white"
              }`}
            >
              {tab.id === "cart" ? <CartIcon width={15} height={15} /> : null}
              {tab.label}
              {tab.badge ? (
                <span
                  className={`grid h-[18px] min-w-[18px] place-items-center rounded-full px-1 text-[11px] font-semibold ${
                    activeTab === tab.id ? "bg-accent-600 text-white" : "bg-white/20 text-white"
                  }`}
                  data-testid="cart-count"
                >
                  {tab.badge}
                </span>
              ) : null}
            </button>
          ))}
        </nav>
      </header>
      {view === "chat" ? <ChatView inputRef={inputRef} /> : null}
      {view === "cart" ? <CartView /> : null}
      {view === "checkout" ? <CheckoutView /> : null}
      {view === "orders" ? <OrdersView /> : null}
    </section>
  );
}
