/** Display helpers shared by the widget and the admin. Money arrives as exact strings. */
export function formatMoney(amount: string | number | null | undefined, currency = "฿"): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const n = Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  const text = n.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  return currency === "฿" || currency === "THB" ? `฿${text}` : `${text} ${currency}`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const diff = Math.round((now - new Date(iso).getTime()) / 1000);
  if (diff < 45) return "just now";
  if (diff < 3600) return `${Math.round(diff / 60)} min ago`;
  if (diff < 86_400) return `${Math.round(diff / 3600)} h ago`;
  return `${Math.round(diff / 86_400)} d ago`;
}

/** `percent` is already a percentage (35.7 → "35.7%"). */
export function formatPercent(percent: number, digits = 1): string {
  return `${Number.isFinite(percent) ? percent.toFixed(digits) : "0"}%`;
}

/** Model cost in USD (an exact decimal string): to the cent, or to 6 places when tiny. */
export function formatUsd(v: number | string | null | undefined): string {
  const n = Number(v ?? 0);
  if (!Number.isFinite(n) || n === 0) return "$0.00";
  return `$${n.toFixed(n < 0.01 ? 6 : n < 1 ? 4 : 2)}`;
}

/** "1 visit", "3 visits". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "× 20g" / "× 2 pcs": an order line's quantity with its unit (weighed goods default to grams). */
export function formatLineQuantity(item: { quantity: number | string; unit?: string | null }): string {
  return `× ${item.quantity}${item.unit === "g" || !item.unit ? "g" : ` ${item.unit}`}`;
}
