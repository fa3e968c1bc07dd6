import { formatMoney } from "../shared/format.js";
import { BagIcon, MinusIcon, PlusIcon, TrashIcon } from "../shared/icons.js";
import { useStrings, useWidget } from "./context.js";
import { estimateLine } from "./store.js";

export function CartView() {
  const t = useStrings();
  const { useStore } = useWidget();
  const cart = useStore((s) => s.cart);
  const changeQuantity = useStore((s) => s.changeQuantity);
  const removeLine = useStore((s) => s.removeLine);
  const setView = useStore((s) => s.setView);
  const estimate = cart.reduce((sum, l) => sum + estimateLine(l), 0);

  if (cart.length === 0) {
    return (
      <div className="flex flex-1 flex-col items-center justify-center gap-3 px-8 text-center">
        <div className="grid size-12 place-items-center rounded-full bg-accent-50 text-accent-700">
          <BagIcon />
        </div>
        <p className="text-sm text-muted">{t.emptyCart}</p>
        <button
          type="button"
          onClick={() => setView("chat")}
          className="text-sm font-semibold text-accent-700 hover:underline"
        >
          {t.continueShopping}
        </button>
      </div>
    );
  }

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <ul className="min-h-0 flex-1 divide-y divide-line overflow-y-auto px-4" aria-label={t.cart}>
        {cart.map((line) => {
          const belowMin = line.minQuantity !== null && line.quantity < line.minQuantity;
          return (
            <li key={line.key} className="py-3.5" data-testid="cart-line">
              <div className="flex items-start justify-between gap-3">
                <div className="min-w-0">
                  <p className="truncate text-[15px] font-medium text-ink">{line.name}</p>
                  <p className="text-xs text-muted">
                    {line.label} · {formatMoney(line.tierPrice)}
                  </p>
                </div>
                <p className="text-sm font-medium text-ink tabular-nums">
                  ≈ {formatMoney(estimateLine(line))}
                </p>
              </div>
              <div className="mt-2 flex items-center justify-between">
                <div className="inline-flex items-center rounded-full border border-line">
                  <button
                    type="button"
                    aria-label={`${t.decrease}: ${line.name}`}
                    onClick={() => changeQuantity(line.key, -1)}
                    disabled={line.quantity <= line.step}
                    className="grid size-8 place-items-center rounded-full text-stone-600 hover:bg-canvas disabled:text-stone-300"
                  >
                    <MinusIcon width={16} height={16} />
                  </button>
                  <span className="min-w-12 text-center text-sm tabular-nums" aria-live="polite">
                    {line.quantity}
                    {line.unit === "g" ? "g" : ` ${line.unit}`}
                  </span>
                  <button
                    type="button"
                    aria-label={`${t.increase}: ${line.name}`}
                    onClick={() => changeQuantity(line.key, 1)}
                    className="grid size-8 place-items-center rounded-full text-stone-600 hover:bg-canvas"
                  >
                    <PlusIcon width={16} height={16} />
                  </button>
                </div>
                <button
                  type="button"
                  aria-label={`${t.remove}: ${line.name}`}
                  onClick={() => removeLine(line.key)}
                  className="grid size-8 place-items-center rounded-full text-stone-400 hover:bg-rose-50 hover:text-rose-600"
                >
                  <TrashIcon width={16} height={16} />
                </button>
              </div>
              {belowMin ? (
                <p className="mt-1.5 text-xs text-amber-700">
                  {t.minimum}: {line.minQuantity}
                  {line.unit === "g" ? "g" : ` ${line.unit}`}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      <div className="border-t border-line bg-white px-4 py-3.5">
        <div className="flex items-baseline justify-between">
          <span className="text-sm text-muted">{t.estimate}</span>
          <span className="text-lg font-semibold text-ink tabular-nums">≈ {formatMoney(estimate)}</span>
        </div>
        <p className="mt-0.5 text-[11px] text-stone-400">{t.estimateNote}</p>
        <button
          type="button"
          onClick={() => setView("checkout")}
          className="mt-3 w-full rounded-xl bg-accent-600 py-3 text-[15px] font-semibold text-white transition-colors hover:bg-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
        >
          {t.checkout}
        </button>
      </div>
    </div>
  );
}
