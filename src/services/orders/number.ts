/**
 * Order numbers OGYYMMDD-XXX in the shop's time zone. The per-day counter is one row updated
 * with `insert … on conflict do update … returning`, so concurrent creators on any number of
 * instances each get a distinct sequence value. Past 999 a day the suffix grows to 4+ digits.
 */
import { sql } from "drizzle-orm";
import { type DbOrTx, execRows } from "../../db/client.js";
import { shopLocalParts } from "../settings.js";

export const ORDER_NUMBER_RE = /^OG\d{6}-\d{3,}$/;

export function orderDay(date: Date, timeZone: string): string {
  const p = shopLocalParts(date, timeZone);
  return `${p.year.slice(2)}${p.month}${p.day}`;
}

export function formatOrderNumber(day: string, seq: number): string {
  return `OG${day}-${String(seq).padStart(3, "0")}`;
}

export async function nextOrderNumber(db: DbOrTx, date: Date, timeZone: string): Promise<string> {
  const day = orderDay(date, timeZone);
  const [row] = await execRows<{ last_value: number }>(
    db,
    sql`insert into order_counters (day, last_value) values (${day}, 1)
        on conflict (day) do update set last_value = order_counters.last_value + 1
        returning last_value`,
  );
  if (!row) throw new Error("order counter did not return a value");
  return formatOrderNumber(day, Number(row.last_value));
}
