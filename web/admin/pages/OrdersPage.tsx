import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createClient, errorMessage, nextStatuses } from "../../shared/api.js";
import { formatDateTime, formatLineQuantity, formatMoney, formatRelative } from "../../shared/format.js";
import { type Order, OrderEnvelope, type OrderStatus } from "../../shared/schemas.js";
import { api } from "../context.js";
import { linkProps, navigate } from "../router.js";
import { useAdminPrefs } from "../store.js";
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  ErrorState,
  inputClass,
  PageHeader,
  QueryState,
  Spinner,
  td,
  th,
} from "../ui.js";

const FILTERS = [
  "active",
  "pending",
  "confirmed",
  "preparing",
  "delivering",
  "completed",
  "cancelled",
  "all",
];
const ACTION_LABEL: Record<string, string> = {
  confirmed: "Confirm",
  preparing: "Start preparing",
  delivering: "Out for delivery",
  completed: "Mark completed",
};
const PAYMENT_LABEL: Record<string, string> = { pending: "Unpaid", paid: "Paid", refunded: "Refunded" };
const PAYMENT_TONE: Record<string, string> = { pending: "pending", paid: "up", refunded: "cancelled" };

/** What PATCH /api/orders changes besides the status (staff): payment and delivery time. */
type OrderChange = { paymentStatus?: "paid" | "refunded"; estimatedDelivery?: string | null };
const client = createClient("");
const updateOrder = (orderId: string, change: OrderChange) =>
  client.send("PATCH", "/api/orders", OrderEnvelope, { orderId, ...change });

/** The estimated delivery of an order (an ISO instant), or null. Passed through, not in the schema. */
function etaOf(o: Order): string | null {
  const eta = (o as Order & { estimatedDelivery?: unknown }).estimatedDelivery;
  return typeof eta === "string" ? eta : null;
}

/** An instant as the value of a datetime-local input, in the browser's time zone. */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function PaymentBadge({ status }: { status?: string | null }) {
  const s = status ?? "pending";
  return <Badge tone={PAYMENT_TONE[s]}>{PAYMENT_LABEL[s] ?? s}</Badge>;
}

export function OrdersPage({ selectedId }: { selectedId?: string }) {
  const { orderStatus, setOrderStatus, autoRefresh, setAutoRefresh } = useAdminPrefs();
  const serverStatus = orderStatus === "active" || orderStatus === "all" ? undefined : orderStatus;
  const orders = useQuery({
    queryKey: ["orders", serverStatus ?? "all"],
    queryFn: () => api.orders({ status: serverStatus, limit: 100 }),
    refetchInterval: autoRefresh ? 5_000 : false,
  });
  const shown = (orders.data ?? []).filter((o) =>
    orderStatus === "active"
      ? o.status !== "completed" && o.status !== "cancelled"
      : orderStatus === "all" || o.status === orderStatus,
  );

  return (
    <>
      <PageHeader
        title="Orders"
        description="New orders appear here within seconds. Move each one along as you work on it."
        actions={
          <label className="flex items-center gap-2 text-sm text-stone-600">
            <input
              type="checkbox"
              checked={autoRefresh}
              onChange={(e) => setAutoRefresh(e.target.checked)}
              className="size-4 accent-accent-600"
            />
            Live updates
          </label>
        }
      />
      <fieldset className="min-w-0 mb-4 flex flex-wrap gap-1.5" aria-label="Filter orders by status">
        {FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            aria-pressed={orderStatus === f}
            onClick={() => setOrderStatus(f)}
            className={`rounded-full px-3 py-1.5 text-sm capitalize transition-colors ${
              orderStatus === f
                ? "bg-ink text-white"
                : "bg-white text-stone-600 ring-1 ring-line hover:text-ink"
            }`}
          >
            {f}
          </button>
        ))}
      </fieldset>
      <div className={`grid gap-6 ${selectedId ? "xl:grid-cols-[minmax(0,1fr)_26rem]" : ""}`}>
        <Card className="overflow-hidden [&>div]:p-0">
          <QueryState
            query={orders}
            isEmpty={() => shown.length === 0}
            empty={
              <EmptyState
                title="No orders here"
                hint="Orders from the chat widget and Telegram show up automatically."
              />
            }
          >
            {() => (
              <div className="overflow-x-auto">
                <table className="w-full">
                  <thead className="border-b border-line bg-stone-50/60">
                    <tr>
                      <th className={th}>Order</th>
                      <th className={th}>Customer</th>
                      {/* With the detail open beside it, the list keeps what fits at a glance. */}
                      <th className={`${th} ${selectedId ? "xl:hidden" : ""}`}>Items</th>
                      <th className={`${th} text-right`}>Total</th>
                      <th className={th}>Status</th>
                      <th className={`${th} ${selectedId ? "xl:hidden" : ""}`}>Placed</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {shown.map((o) => (
                      <tr
                        key={o.id}
                        className={`relative transition-colors hover:bg-stone-50 ${o.id === selectedId ? "bg-accent-50/60" : ""}`}
                        data-testid="order-row"
                      >
                        <td className={td}>
                          <a
                            {...linkProps(`orders/${o.id}`)}
                            className="font-mono font-semibold whitespace-nowrap text-ink after:absolute after:inset-0 hover:text-accent-700"
                          >
                            {o.orderNumber}
                          </a>
                        </td>
                        <td className={td}>
                          <p>{o.contactInfo?.name ?? "—"}</p>
                          <p className="text-xs whitespace-nowrap text-muted">{o.contactInfo?.phone}</p>
                        </td>
                        <td
                          className={`${td} max-w-56 truncate text-stone-600 ${selectedId ? "xl:hidden" : ""}`}
                        >
                          {o.items
                            .map(
                              (i) =>
                                `${i.displayName} × ${i.quantity}${i.unit === "g" || !i.unit ? "g" : ""}`,
                            )
                            .join(", ")}
                        </td>
                        <td className={`${td} text-right font-medium tabular-nums`}>
                          {formatMoney(o.totalAmount, o.currency)}
                          <p className="mt-0.5 text-xs font-normal" data-testid="order-row-payment">
                            <PaymentBadge status={o.paymentStatus} />
                          </p>
                        </td>
                        <td className={td}>
                          <Badge tone={o.status}>{o.status}</Badge>
                        </td>
                        <td
                          className={`${td} whitespace-nowrap text-stone-500 ${selectedId ? "xl:hidden" : ""}`}
                        >
                          {formatRelative(o.createdAt)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </QueryState>
        </Card>
        {selectedId ? (
          <OrderDetail id={selectedId} fallback={orders.data?.find((o) => o.id === selectedId)} />
        ) : null}
      </div>
    </>
  );
}

function OrderDetail({ id, fallback }: { id: string; fallback?: Order }) {
  const queryClient = useQueryClient();
  const order = useQuery({
    queryKey: ["order", id],
    queryFn: () => api.order(id),
    initialData: fallback,
    refetchInterval: 10_000,
  });
  const me = useQuery({ queryKey: ["me"], queryFn: api.me, staleTime: 60_000 });
  const staff = useQuery({ queryKey: ["staff"], queryFn: api.staff, retry: false, staleTime: 300_000 });
  const [cancelOpen, setCancelOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [note, setNote] = useState("");
  const [newNote, setNewNote] = useState("");
  const [refundOpen, setRefundOpen] = useState(false);
  // The ETA being typed, for this order only (the detail stays mounted when another is opened).
  const [etaDraft, setEtaDraft] = useState<{ id: string; value: string } | null>(null);
  const [etaProblem, setEtaProblem] = useState("");

  const refresh = (updated: Order) => {
    queryClient.setQueryData(["order", id], updated);
    void queryClient.invalidateQueries({ queryKey: ["orders"] });
  };
  const move = useMutation({
    mutationFn: ({ status, note }: { status: OrderStatus; note?: string }) =>
      api.setOrderStatus(id, status, note),
    onSuccess: (updated) => {
      refresh(updated);
      setNote("");
      setCancelOpen(false);
      setReason("");
    },
  });
  const assign = useMutation({
    mutationFn: (staffId: string | null) => api.assignOrder(id, staffId),
    onSuccess: refresh,
  });
  const update = useMutation({
    mutationFn: (change: OrderChange) => updateOrder(id, change),
    onSuccess: (updated) => {
      refresh(updated);
      setEtaDraft(null);
      setRefundOpen(false);
    },
  });
  const addNote = useMutation({
    mutationFn: (text: string) => api.addOrderNote(id, text),
    onSuccess: (updated) => {
      refresh(updated);
      setNewNote("");
    },
  });

  if (order.isPending)
    return (
      <Card>
        <Spinner />
      </Card>
    );
  if (order.isError)
    return (
      <Card>
        <ErrorState error={order.error} onRetry={() => void order.refetch()} />
      </Card>
    );
  const o = order.data;
  const moves = nextStatuses(o.status);
  const isFinal = o.status === "completed" || o.status === "cancelled";
  const paymentStatus = o.paymentStatus ?? "pending";
  const eta = etaOf(o);
  const etaValue = etaDraft?.id === id ? etaDraft.value : toLocalInput(eta);
  const saveEta = () => {
    const at = new Date(etaValue);
    if (!etaValue || Number.isNaN(at.getTime())) {
      setEtaProblem("Enter a date and time.");
      return;
    }
    setEtaProblem("");
    update.mutate({ estimatedDelivery: at.toISOString() });
  };
  const staffOptions = staff.data && staff.data.length > 0 ? staff.data : me.data ? [me.data] : [];

  return (
    <Card
      title={`Order ${o.orderNumber}`}
      actions={
        <Button
          size="sm"
          variant="ghost"
          onClick={() => navigate("/admin/orders")}
          aria-label="Close order details"
        >
          ✕
        </Button>
      }
      className="self-start xl:sticky xl:top-6"
    >
      <div className="space-y-5" data-testid="order-detail">
        <div className="flex items-center justify-between">
          <Badge tone={o.status}>{o.status}</Badge>
          <span className="text-xs text-muted">{formatDateTime(o.createdAt)}</span>
        </div>

        {moves.length > 0 ? (
          <div className="space-y-2">
            <label htmlFor="status-note" className="sr-only">
              Note for this change
            </label>
            <input
              id="status-note"
              placeholder="Note for this change (optional)"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              className={inputClass}
            />
            <div className="flex flex-wrap gap-2">
              {moves
                .filter((s) => s !== "cancelled")
                .map((s) => (
                  <Button
                    key={s}
                    variant="primary"
                    disabled={move.isPending}
                    onClick={() => move.mutate({ status: s, note })}
                  >
                    {ACTION_LABEL[s] ?? s}
                  </Button>
                ))}
              {moves.includes("cancelled") ? (
                <Button
                  variant="ghost"
                  className="text-rose-700 hover:bg-rose-50 hover:text-rose-800"
                  onClick={() => setCancelOpen(true)}
                >
                  Cancel order
                </Button>
              ) : null}
            </div>
            {move.isError ? <ErrorState error={move.error} /> : null}
          </div>
        ) : (
          <p className="text-sm text-muted">This order is {o.status}; no further status changes.</p>
        )}

        <div className="space-y-3 rounded-xl border border-line p-3" data-testid="order-payment">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <div>
              <h3 className="text-xs font-medium tracking-wide text-muted uppercase">Payment</h3>
              <p className="mt-1 flex items-center gap-2 text-sm">
                <span className="capitalize">{o.paymentMethod ?? "—"}</span>
                <PaymentBadge status={paymentStatus} />
              </p>
            </div>
            <div className="flex gap-2">
              {paymentStatus === "pending" && o.status !== "cancelled" ? (
                <Button
                  size="sm"
                  variant="primary"
                  disabled={update.isPending}
                  onClick={() => update.mutate({ paymentStatus: "paid" })}
                >
                  Mark paid
                </Button>
              ) : null}
              {paymentStatus === "paid" ? (
                <Button size="sm" disabled={update.isPending} onClick={() => setRefundOpen(true)}>
                  Mark refunded
                </Button>
              ) : null}
            </div>
          </div>
          <div>
            <label htmlFor="order-eta" className="text-xs font-medium tracking-wide text-muted uppercase">
              Estimated delivery
            </label>
            <p className="mt-1 text-sm" data-testid="order-eta-value">
              {eta ? formatDateTime(eta) : "Not set"}
            </p>
            {isFinal ? null : (
              <form
                className="mt-2 flex flex-wrap gap-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  saveEta();
                }}
              >
                <input
                  id="order-eta"
                  type="datetime-local"
                  value={etaValue}
                  onChange={(e) => setEtaDraft({ id, value: e.target.value })}
                  className={`${inputClass} w-auto flex-1`}
                />
                <Button type="submit" size="sm" disabled={update.isPending || !etaValue}>
                  Save time
                </Button>
                {eta ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    disabled={update.isPending}
                    onClick={() => update.mutate({ estimatedDelivery: null })}
                  >
                    Clear
                  </Button>
                ) : null}
              </form>
            )}
          </div>
          {etaProblem ? <p className="text-xs text-rose-700">{etaProblem}</p> : null}
          {update.isError ? <ErrorState error={update.error} /> : null}
        </div>

        <div>
          <h3 className="text-xs font-medium tracking-wide text-muted uppercase">Items</h3>
          <ul className="mt-2 divide-y divide-line rounded-xl border border-line">
            {o.items.map((item, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: order lines are fixed
              <li key={i} className="flex justify-between gap-3 px-3 py-2 text-sm">
                <span>
                  {item.displayName} <span className="text-muted">{formatLineQuantity(item)}</span>
                </span>
                <span className="tabular-nums">
                  {item.lineTotal ? formatMoney(item.lineTotal, o.currency) : ""}
                </span>
              </li>
            ))}
          </ul>
          <dl className="mt-2 space-y-1 text-sm">
            <Row label="Subtotal" value={formatMoney(o.subtotal, o.currency)} />
            <Row label="Delivery" value={formatMoney(o.deliveryFee, o.currency)} />
            {o.discount && Number(o.discount) > 0 ? (
              <Row label="Discount" value={`−${formatMoney(o.discount, o.currency)}`} />
            ) : null}
            <div className="flex justify-between border-t border-line pt-1.5 font-semibold">
              <dt>Total</dt>
              <dd className="tabular-nums">{formatMoney(o.totalAmount, o.currency)}</dd>
            </div>
          </dl>
        </div>

        <dl className="grid grid-cols-2 gap-x-4 gap-y-3 text-sm">
          <Info label="Customer" value={o.contactInfo?.name} />
          <Info
            label="Phone"
            value={
              o.contactInfo?.phone ? (
                <a className="text-accent-700 underline" href={`tel:${o.contactInfo.phone}`}>
                  {o.contactInfo.phone}
                </a>
              ) : null
            }
          />
          <Info label="Source" value={<span className="capitalize">{o.orderSource}</span>} />
          <div className="col-span-2">
            <Info label="Address" value={o.deliveryAddress} />
            {o.deliveryNotes ? <p className="mt-1 text-xs text-muted">{o.deliveryNotes}</p> : null}
          </div>
          {o.userProfileId ? (
            <div className="col-span-2">
              <a {...linkProps(`customers/${o.userProfileId}`)} className="text-sm text-accent-700 underline">
                Customer profile →
              </a>
            </div>
          ) : null}
        </dl>

        <div>
          <label htmlFor="assignee" className="text-xs font-medium tracking-wide text-muted uppercase">
            Assigned to
          </label>
          <select
            id="assignee"
            value={o.assignedTo ?? ""}
            onChange={(e) => assign.mutate(e.target.value || null)}
            className={`${inputClass} mt-1`}
          >
            <option value="">Nobody</option>
            {staffOptions.map((s) => (
              <option key={s.id ?? s.username ?? ""} value={s.id ?? ""}>
                {s.displayName ?? s.username}
              </option>
            ))}
          </select>
        </div>

        <div>
          <h3 className="text-xs font-medium tracking-wide text-muted uppercase">Staff notes</h3>
          {o.staffNotes ? (
            <p className="mt-1 rounded-lg bg-stone-50 px-3 py-2 text-sm whitespace-pre-wrap text-stone-700">
              {o.staffNotes}
            </p>
          ) : null}
          <form
            className="mt-2 flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (newNote.trim()) addNote.mutate(newNote.trim());
            }}
          >
            <label htmlFor="staff-note" className="sr-only">
              Add a note
            </label>
            <input
              id="staff-note"
              placeholder="Add a note for the team"
              value={newNote}
              onChange={(e) => setNewNote(e.target.value)}
              className={inputClass}
            />
            <Button type="submit" size="sm" disabled={addNote.isPending || !newNote.trim()}>
              Add
            </Button>
          </form>
          {addNote.isError || assign.isError ? (
            <p className="mt-1 text-xs text-rose-700">{errorMessage(addNote.error ?? assign.error)}</p>
          ) : null}
        </div>

        {o.statusHistory.length > 0 ? (
          <div>
            <h3 className="text-xs font-medium tracking-wide text-muted uppercase">History</h3>
            <ol className="mt-2 space-y-2 border-l-2 border-line pl-4">
              {o.statusHistory.map((h, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: history is append-only
                <li key={i} className="text-sm">
                  <span className="font-medium capitalize">{historyLabel(h)}</span>{" "}
                  <span className="text-xs text-muted">
                    {formatDateTime(h.at)}
                    {h.by ? ` · ${h.by}` : ""}
                  </span>
                  {h.note ? <p className="text-xs text-stone-600">{h.note}</p> : null}
                </li>
              ))}
            </ol>
          </div>
        ) : null}
        {o.cancellationReason ? (
          <p className="rounded-lg bg-stone-50 p-3 text-sm text-stone-700">
            Cancelled: {o.cancellationReason}
          </p>
        ) : null}
        <WebhookDeliveries orderId={o.id} />
      </div>

      <ConfirmDialog
        open={cancelOpen}
        title={`Cancel order ${o.orderNumber}?`}
        body="The customer will be told their order was cancelled. This can't be undone."
        confirmLabel="Cancel order"
        danger
        onCancel={() => setCancelOpen(false)}
        onConfirm={() => reason.trim() && move.mutate({ status: "cancelled", note: reason.trim() })}
      >
        <label htmlFor="cancel-reason" className="mt-4 block text-sm font-medium text-stone-700">
          Reason (required)
        </label>
        <input
          id="cancel-reason"
          required
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          className={`${inputClass} mt-1`}
        />
        {move.isError ? <p className="mt-2 text-sm text-rose-700">{errorMessage(move.error)}</p> : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={refundOpen}
        title={`Mark order ${o.orderNumber} refunded?`}
        body="Record that the payment went back to the customer. This can't be undone."
        confirmLabel="Mark refunded"
        danger
        onCancel={() => setRefundOpen(false)}
        onConfirm={() => update.mutate({ paymentStatus: "refunded" })}
      >
        {update.isError ? <p className="mt-2 text-sm text-rose-700">{errorMessage(update.error)}</p> : null}
      </ConfirmDialog>
    </Card>
  );
}

/** The order's CRM webhook deliveries; nothing shows when no CRM webhook is configured. */
function WebhookDeliveries({ orderId }: { orderId: string }) {
  const deliveries = useQuery({
    queryKey: ["order-webhooks", orderId],
    queryFn: () => api.orderWebhooks(orderId),
    refetchInterval: 30_000,
  });
  if (deliveries.isError)
    return <p className="text-xs text-muted">CRM deliveries: {errorMessage(deliveries.error)}</p>;
  if (!deliveries.data || deliveries.data.length === 0) return null;
  return (
    <div>
      <h3 className="text-xs font-medium tracking-wide text-muted uppercase">CRM deliveries</h3>
      <ul className="mt-2 space-y-1.5" data-testid="order-webhooks">
        {deliveries.data.map((d) => (
          <li key={d.id} className="text-sm">
            <Badge tone={d.status === "delivered" ? "up" : d.status === "pending" ? undefined : "down"}>
              {d.status ?? "pending"}
            </Badge>{" "}
            <span className="text-stone-700">{d.event}</span>{" "}
            <span className="text-xs text-muted">
              {formatDateTime(d.deliveredAt ?? d.createdAt)} · {d.attempts ?? 0} attempt
              {d.attempts === 1 ? "" : "s"}
              {d.lastStatusCode ? ` · HTTP ${d.lastStatusCode}` : ""}
            </span>
            {d.errorMessage ? <p className="text-xs text-rose-700">{d.errorMessage}</p> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A history line: a status move, a payment change, a delivery time, or several at once. */
function historyLabel(h: Order["statusHistory"][number]): string {
  const parts: string[] = [];
  if (typeof h.paymentStatus === "string")
    parts.push(`Payment: ${(PAYMENT_LABEL[h.paymentStatus] ?? h.paymentStatus).toLowerCase()}`);
  if (h.estimatedDelivery === null) parts.push("Estimated delivery cleared");
  else if (typeof h.estimatedDelivery === "string")
    parts.push(`Estimated delivery ${formatDateTime(h.estimatedDelivery)}`);
  return parts.length > 0 ? parts.join(" · ") : h.status;
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex justify-between text-muted">
      <dt>{label}</dt>
      <dd className="tabular-nums">{value}</dd>
    </div>
  );
}

function Info({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-muted uppercase">{label}</dt>
      <dd className="mt-0.5 text-ink">{value || "—"}</dd>
    </div>
  );
}
