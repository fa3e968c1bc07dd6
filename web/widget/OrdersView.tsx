import { useQuery } from "@tanstack/react-query";
import { errorMessage } from "../shared/api.js";
import { formatDateTime, formatMoney } from "../shared/format.js";
import { RefreshIcon } from "../shared/icons.js";
import { useStrings, useWidget } from "./context.js";

const STATUS_STYLE: Record<string, string> = {
  pending: "bg-amber-50 text-amber-800",
  confirmed: "bg-sky-50 text-sky-800",
  preparing: "bg-indigo-50 text-indigo-800",
  delivering: "bg-violet-50 text-violet-800",
  completed: "bg-accent-50 text-accent-800",
  cancelled: "bg-stone-100 text-stone-600",
};

export function OrdersView() {
  const t = useStrings();
  const { api } = useWidget();
  const orders = useQuery({ queryKey: ["my-orders"], queryFn: api.myOrders, refetchInterval: 15_000 });

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center justify-between px-4 pt-3">
        <h3 className="text-sm font-semibold text-ink">{t.orders}</h3>
        <button
          type="button"
          onClick={() => void orders.refetch()}
          aria-label={t.refresh}
          className="grid size-8 place-items-center rounded-full text-stone-500 hover:bg-canvas hover:text-ink"
        >
          <RefreshIcon width={16} height={16} className={orders.isFetching ? "animate-spin" : ""} />
        </button>
      </div>
      <div
        className="min-h-0 flex-1 overflow-y-auto px-4 py-3"
        aria-live="polite"
        aria-busy={orders.isLoading}
      >
        {orders.isLoading ? (
          <p className="py-8 text-center text-sm text-muted">{t.loading}</p>
        ) : orders.isError ? (
          <div className="py-8 text-center">
            <p className="text-sm text-rose-700">{errorMessage(orders.error)}</p>
            <button
              type="button"
              onClick={() => void orders.refetch()}
              className="mt-2 text-sm font-semibold text-accent-700"
            >
              {t.retry}
            </button>
          </div>
        ) : orders.data && orders.data.length > 0 ? (
          <ul className="space-y-2.5">
            {orders.data.map((o) => (
              <li key={o.id} className="rounded-2xl border border-line bg-white p-3.5" data-testid="my-order">
                <div className="flex items-center justify-between gap-2">
                  <span className="font-mono text-sm font-semibold text-ink">{o.orderNumber}</span>
                  <span
                    className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[o.status] ?? STATUS_STYLE.pending}`}
                  >
                    {t.status[o.status] ?? o.status}
                  </span>
                </div>
                <p className="mt-1 truncate text-xs text-muted">
                  {o.items
                    .map((i) => `${i.displayName} × ${i.quantity}${i.unit === "g" || !i.unit ? "g" : ""}`)
                    .join(", ")}
                </p>
                <div className="mt-2 flex items-center justify-between text-xs text-muted">
                  <span>{formatDateTime(o.createdAt)}</span>
                  <span className="text-sm font-semibold text-ink tabular-nums">
                    {formatMoney(o.totalAmount, o.currency)}
                  </span>
                </div>
                <StatusTrack status={o.status} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="py-8 text-center text-sm text-muted">{t.noOrders}</p>
        )}
      </div>
    </div>
  );
}

const FLOW = ["pending", "confirmed", "preparing", "delivering", "completed"];

function StatusTrack({ status }: { status: string }) {
  if (status === "cancelled") return null;
  const at = FLOW.indexOf(status);
  return (
    <div className="mt-2.5 flex gap-1" aria-hidden="true">
      {FLOW.map((s, i) => (
        <span key={s} className={`h-1 flex-1 rounded-full ${i <= at ? "bg-accent-500" : "bg-stone-200"}`} />
      ))}
    </div>
  );
}
