import { type FormEvent, useEffect, useRef, useState } from "react";
import { errorMessage, type PaymentMethod } from "../shared/api.js";
import { formatLineQuantity, formatMoney } from "../shared/format.js";
import { BackIcon, CheckIcon } from "../shared/icons.js";
import type { Order } from "../shared/schemas.js";
import { useStrings, useWidget } from "./context.js";

const PAYMENTS: PaymentMethod[] = ["cash", "transfer", "crypto"];
const PHONE = /^\+?[\d\s().-]{6,20}$/;

export function CheckoutView() {
  const t = useStrings();
  const { api, useStore } = useWidget();
  const cart = useStore((s) => s.cart);
  const contact = useStore((s) => s.contact);
  const setContact = useStore((s) => s.setContact);
  const setView = useStore((s) => s.setView);
  const conversationId = useStore((s) => s.conversationId);
  const orderPlaced = useStore((s) => s.orderPlaced);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const [placed, setPlaced] = useState<Order | null>(null);
  const firstField = useRef<HTMLInputElement>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => firstField.current?.focus(), []);
  useEffect(() => {
    if (placed) resultHeading.current?.focus();
  }, [placed]);

  if (placed) return <OrderConfirmation order={placed} headingRef={resultHeading} />;

  const invalid = {
    name: !contact.name.trim(),
    phone: !PHONE.test(contact.phone.trim()),
    address: !contact.address.trim(),
  };
  const hasErrors = invalid.name || invalid.phone || invalid.address;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (hasErrors || cart.length === 0) return;
    setSubmitting(true);
    setError(null);
    try {
      const order = await api.createOrder({
        items: cart.map((l) => ({ productId: l.productId, quantity: l.quantity, variantId: l.variantId })),
        contactInfo: { name: contact.name.trim(), phone: contact.phone.trim() },
        deliveryAddress: contact.address.trim(),
        deliveryNotes: contact.notes.trim() || undefined,
        paymentMethod: contact.payment,
        conversationId: conversationId ?? undefined,
      });
      orderPlaced(order);
      setPlaced(order);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSubmitting(false);
    }
  };

  const field =
    "mt-1 w-full rounded-xl border bg-white px-3 py-2.5 text-[15px] text-ink outline-none transition-colors focus:border-accent-500 focus:ring-2 focus:ring-accent-100";
  const fieldBorder = (bad: boolean) => (touched && bad ? "border-rose-400" : "border-line");

  return (
    <form onSubmit={submit} noValidate className="flex min-h-0 flex-1 flex-col">
      <div className="min-h-0 flex-1 space-y-3.5 overflow-y-auto px-4 py-4">
        <button
          type="button"
          onClick={() => setView("cart")}
          className="inline-flex items-center gap-1 text-sm text-muted hover:text-ink"
        >
          <BackIcon width={16} height={16} /> {t.back}
        </button>
        <TextField label={t.name} error={touched && invalid.name ? t.required : null}>
          {(id, describedBy) => (
            <input
              id={id}
              ref={firstField}
              autoComplete="name"
              aria-invalid={touched && invalid.name}
              aria-describedby={describedBy}
              value={contact.name}
              onChange={(e) => setContact({ name: e.target.value })}
              className={`${field} ${fieldBorder(invalid.name)}`}
            />
          )}
        </TextField>
        <TextField label={t.phone} error={touched && invalid.phone ? t.invalidPhone : null}>
          {(id, describedBy) => (
            <input
              id={id}
              type="tel"
              autoComplete="tel"
              inputMode="tel"
              aria-invalid={touched && invalid.phone}
              aria-describedby={describedBy}
              value={contact.phone}
              onChange={(e) => setContact({ phone: e.target.value })}
              className={`${field} ${fieldBorder(invalid.phone)}`}
            />
          )}
        </TextField>
        <TextField label={t.address} error={touched && invalid.address ? t.required : null}>
          {(id, describedBy) => (
            <textarea
              id={id}
              rows={2}
              autoComplete="street-address"
              aria-invalid={touched && invalid.address}
              aria-describedby={describedBy}
              value={contact.address}
              onChange={(e) => setContact({ address: e.target.value })}
              className={`${field} ${fieldBorder(invalid.address)} resize-none`}
            />
          )}
        </TextField>
        <TextField label={t.notes} error={null}>
          {(id) => (
            <input
              id={id}
              value={contact.notes}
              onChange={(e) => setContact({ notes: e.target.value })}
              className={`${field} border-line`}
            />
          )}
        </TextField>
        <fieldset>
          <legend className="text-[13px] font-medium text-stone-700">{t.payment}</legend>
          <div className="mt-1.5 grid grid-cols-3 gap-2">
            {PAYMENTS.map((p) => (
              <label
                key={p}
                className={`cursor-pointer rounded-xl border px-2 py-2.5 text-center text-sm transition-colors has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-accent-500 ${
                  contact.payment === p
                    ? "border-accent-600 bg-accent-50 font-semibold text-accent-800"
                    : "border-line text-stone-700"
                }`}
              >
                <input
                  type="radio"
                  name="payment"
                  value={p}
                  className="sr-only"
                  checked={contact.payment === p}
                  onChange={() => setContact({ payment: p })}
                />
                {t[p]}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      <div className="border-t border-line bg-white px-4 py-3.5">
        {error ? (
          <p role="alert" className="mb-2 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-700">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          disabled={submitting || cart.length === 0}
          className="w-full rounded-xl bg-accent-600 py-3 text-[15px] font-semibold text-white transition-colors hover:bg-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 disabled:bg-stone-300"
        >
          {submitting ? t.placing : t.placeOrder}
        </button>
      </div>
    </form>
  );
}

function TextField({
  label,
  error,
  children,
}: {
  label: string;
  error: string | null;
  children: (id: string, describedBy: string | undefined) => React.ReactNode;
}) {
  const id = `sk-${label.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <div>
      <label htmlFor={id} className="text-[13px] font-medium text-stone-700">
        {label}
      </label>
      {children(id, error ? `${id}-err` : undefined)}
      {error ? (
        <p id={`${id}-err`} className="mt-1 text-xs text-rose-600">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function OrderSummary({ order }: { order: Order }) {
  const t = useStrings();
  const rows: Array<[string, string | null | undefined]> = [
    [t.subtotal, order.subtotal],
    [t.delivery, order.deliveryFee],
    [t.discount, order.discount && Number(order.discount) > 0 ? `-${order.discount}` : null],
  ];
  return (
    <div className="rounded-2xl border border-line bg-white p-4">
      <ul className="space-y-1.5">
        {order.items.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: order lines are fixed once placed
          <li key={i} className="flex justify-between gap-3 text-sm">
            <span className="text-ink">
              {item.displayName} <span className="text-muted">{formatLineQuantity(item)}</span>
            </span>
            <span className="tabular-nums text-stone-700">
              {item.lineTotal ? formatMoney(item.lineTotal, order.currency) : ""}
            </span>
          </li>
        ))}
      </ul>
      <dl className="mt-3 space-y-1 border-t border-line pt-3 text-sm">
        {rows
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([label, value]) => (
            <div key={label} className="flex justify-between text-muted">
              <dt>{label}</dt>
              <dd className="tabular-nums">{formatMoney(value, order.currency)}</dd>
            </div>
          ))}
        <div className="flex justify-between pt-1 text-base font-semibold text-ink">
          <dt>{t.total}</dt>
          <dd className="tabular-nums" data-testid="order-total">
            {formatMoney(order.totalAmount, order.currency)}
          </dd>
        </div>
      </dl>
    </div>
  );
}

function OrderConfirmation({
  order,
  headingRef,
}: {
  order: Order;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
}) {
  const t = useStrings();
  const { useStore } = useWidget();
  const setView = useStore((s) => s.setView);
  return (
    <div className="min-h-0 flex-1 overflow-y-auto px-4 py-5" role="status">
      <div className="flex flex-col items-center text-center">
        <div className="grid size-12 place-items-center rounded-full bg-accent-600 text-white">
          <CheckIcon />
        </div>
        <h3 ref={headingRef} tabIndex={-1} className="mt-3 text-lg font-semibold text-ink outline-none">
          {t.orderPlaced}
        </h3>
        <p className="mt-1 text-sm text-muted">{t.orderNumber}</p>
        <p
          className="font-mono text-xl font-semibold tracking-wide text-accent-800"
          data-testid="order-number"
        >
          {order.orderNumber}
        </p>
        <p className="mt-2 text-sm text-muted">{t.thanks}</p>
      </div>
      <div className="mt-5">
        <OrderSummary order={order} />
      </div>
      <div className="mt-4 grid grid-cols-2 gap-2">
        <button
          type="button"
          onClick={() => setView("orders")}
          className="rounded-xl border border-line py-2.5 text-sm font-medium text-ink hover:bg-canvas"
        >
          {t.orders}
        </button>
        <button
          type="button"
          onClick={() => setView("chat")}
          className="rounded-xl bg-accent-600 py-2.5 text-sm font-semibold text-white hover:bg-accent-700"
        >
          {t.continueShopping}
        </button>
      </div>
    </div>
  );
}
