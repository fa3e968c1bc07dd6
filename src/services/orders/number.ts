/**
 * Order numbers OGYYMMDD-XXX in the shop's time zone. The per-day counter is one row updated
 * with `insert … on conflict do update … returning`, so concurrent creators on any number of
 * instances each get a distinct sequence value. Past 999 a day the suffix grows to 4+ digits.
 */
import { shopLocalParts } from "../settings.js";

export const ORDER_NUMBER_RE = /^OG\d{6}-\d{3,}$/;

export function orderDay(date: Date, timeZone: string): string {
  const p = shopLocalParts(date, timeZone);
  return `${p.year.slice(2)}${p.month}${p.day}`;
}

export function formatOrderNumber(day: string, seq: number): string {
  return `OG${day}-${String(seq).padStart(3, "0")}`;
}

/**
 * The counter upsert for a statement of its own (createOrder's): takes the next value of day
 * `day` (a text parameter such as `$4`) only when `guard` (a boolean SQL condition) holds, and
 * returns it as `last_value`.
 */
export function counterUpsertSql(day: string, guard: string): string {
  return `insert into order_counters (day, last_value) select ${day}::text, 1 where ${guard}
    on conflict (day) do update set last_value = order_counters.last_value + 1
    returning last_value`;
}

/** formatOrderNumber in SQL: `OG<day>-<seq>`, the sequence zero-padded to 3 digits, never cut. */
export function orderNumberSql(day: string, seq: string): string {
  return `'OG' || ${day}::text || '-' || lpad(${seq}::text, greatest(3, length(${seq}::text)), '0')`;
}
