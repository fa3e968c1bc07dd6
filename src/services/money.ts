/**
 * Exact money: amounts are decimal strings ("1234.50") at the edges and bigint minor units
 * (hundredths) inside. No float ever holds a price.
 *
 * Bounds: every money column is numeric(12,2) (catalog prices; orders' subtotal, delivery fee,
 * discount and total), so an amount stored is at most MAX_MONEY_CENTS (9,999,999,999.99). A delivery
 * fee is bounded far below that (99,999,999.99, FEE_RE), so a setting can never make every order too large.
 */
const MONEY_RE = /^-?\d{1,12}(\.\d{1,2})?$/;

/** The largest amount a money column (numeric(12,2)) holds: 9,999,999,999.99. */
export const MAX_MONEY_CENTS = 999_999_999_999n;

/** A non-negative amount (≤ 2 decimals) that fits a money column: catalog prices, discounts. */
export const AMOUNT_RE = /^\d{1,10}(\.\d{1,2})?$/;
/** A non-negative delivery fee (settings or a staff override, ≤ 2 decimals) of at most 99,999,999.99. */
export const FEE_RE = /^\d{1,8}(\.\d{1,2})?$/;

/** A non-negative amount that fits a money column (≤ 9,999,999,999.99). */
export function isAmount(s: string): boolean {
  return AMOUNT_RE.test(s);
}

/** A valid delivery fee: non-negative, ≤ 2 decimals, at most 99,999,999.99. */
export function isFee(s: string): boolean {
  return FEE_RE.test(s);
}

/** "1234.5" → 123450n. Throws on anything that is not a plain decimal with ≤ 2 places. */
export function toCents(amount: string | number): bigint {
  const s = typeof amount === "number" ? amount.toFixed(2) : amount.trim();
  if (!MONEY_RE.test(s)) throw new Error(`not a money amount: ${s}`);
  const neg = s.startsWith("-");
  const [whole, frac = ""] = (neg ? s.slice(1) : s).split(".");
  const cents = BigInt(whole ?? "0") * 100n + BigInt(`${frac}00`.slice(0, 2));
  return neg ? -cents : cents;
}

/** 123450n → "1234.50" */
export function fromCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const s = `${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
  return neg ? `-${s}` : s;
}

/** Rounds a/b to the nearest integer, halves away from zero (a, b ≥ 0). */
export function divRound(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (2n * b);
}

/** Quantities (grams or pieces) with up to 2 decimals, as hundredths. */
export function toHundredths(q: string | number): bigint {
  return toCents(typeof q === "number" ? q.toFixed(2) : q);
}

export function formatMoney(amount: string, currency: string): string {
  const [w, f] = amount.split(".");
  const grouped = (w ?? "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${grouped}${f && f !== "00" ? `.${f}` : ""} ${currency}`.trim();
}
