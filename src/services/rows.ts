/**
 * Rows of raw SQL (`DatabaseHandle.query`) read into the shape the rest of the app uses: the
 * table's camelCase keys with drizzle's own value mapping, then JSON-shaped like `jsonify`
 * (dates as ISO strings). Either driver's raw values work: PGlite hands back Date and number,
 * postgres.js (under drizzle's parsers) timestamp and bigint as strings.
 */
import { type Column, getTableColumns, type Table } from "drizzle-orm";
import type { Jsonify } from "./json.js";

export type JsonRow<T extends Table> = Jsonify<T["$inferSelect"]>;

export interface RowReader<T extends Table> {
  /** `alias.col as "<prefix>col", …` for every column of the table, to put in a select list. */
  columns: string;
  /** One raw row → the JSON-shaped row, reading the columns named `<prefix><column>`. */
  read(row: Record<string, unknown>): JsonRow<T>;
}

/** A reader of the table's columns selected from `alias`, under names with `prefix` (if any). */
export function rowReader<T extends Table>(table: T, alias: string, prefix = ""): RowReader<T> {
  const cols = Object.entries(getTableColumns(table) as Record<string, Column>).map(([key, col]) => ({
    key,
    name: prefix + col.name,
    col,
  }));
  const columns = cols
    .map(({ col, name }) => (prefix ? `${alias}.${col.name} as "${name}"` : `${alias}.${col.name}`))
    .join(", ");
  return {
    columns,
    read(row) {
      const out: Record<string, unknown> = {};
      for (const { key, name, col } of cols) {
        const raw = row[name];
        if (raw === null || raw === undefined) {
          out[key] = null;
          continue;
        }
        const v = col.mapFromDriverValue(raw);
        out[key] = v instanceof Date ? v.toISOString() : v;
      }
      return out as JsonRow<T>;
    },
  };
}
