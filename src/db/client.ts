/**
 * The database handle: PGlite (embedded, default, data in DATA_DIR) or PostgreSQL through
 * postgres.js when DATABASE_URL is set. Both are the same Drizzle type, so every query function
 * takes `db` first and works on either, or on a transaction.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import type { ExtractTablesWithRelations, SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A database or a transaction: what query functions take first. */
export type DbOrTx = Db | Tx;

export interface DatabaseHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /** Whether the `vector` extension is installed (PGlite: yes; the machine's PostgreSQL: no). */
  hasVector: boolean;
  /** Runs raw SQL and returns its rows, whichever driver is underneath. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` holding a PostgreSQL session advisory lock (PGlite is single-connection: just runs it). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… → PostgreSQL; otherwise PGlite. */
  url?: string;
  /** PGlite data directory; omit for an in-memory database (tests). */
  dataDir?: string;
  /** postgres.js pool size. @default 10 */
  maxConnections?: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (opts.url) return openPostgres(opts.url, opts.maxConnections ?? 10);
  return openPglite(opts.dataDir);
}

async function openPglite(dataDir?: string): Promise<DatabaseHandle> {
  let dir: string | undefined;
  if (dataDir) {
    dir = resolve(dataDir, "pglite");
    mkdirSync(dir, { recursive: true });
  }
  const client = await PGlite.create({ dataDir: dir, extensions: { vector } });
  await client.exec("create extension if not exists vector");
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    hasVector: true,
    async query<T>(text: string, params?: unknown[]) {
      const r = await client.query<T>(text, params as unknown[]);
      return r.rows;
    },
    withAdvisoryLock: (_key, fn) => fn(),
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  const client = postgres(url, { max, onnotice: () => {}, prepare: true });
  alwaysPrepare(client);
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  let hasVector = false;
  try {
    const r = await client`select 1 from pg_extension where extname = 'vector'`;
    if (r.length === 0) {
      const avail = await client`select 1 from pg_available_extensions where name = 'vector'`;
      if (avail.length > 0) {
        await client`create extension if not exists vector`;
        hasVector = true;
      }
    } else {
      hasVector = true;
    }
  } catch {
    hasVector = false;
  }
  return {
    db,
    kind: "postgres",
    hasVector,
    async query<T>(text: string, params?: unknown[]) {
      return (await client.unsafe(text, params as never[])) as unknown as T[];
    },
    async withAdvisoryLock(key, fn) {
      // A session lock must be taken and released on the same connection.
      const conn = await client.reserve();
      try {
        await conn`select pg_advisory_lock(${key})`;
        return await fn();
      } finally {
        await conn`select pg_advisory_unlock(${key})`.catch(() => {});
        conn.release();
      }
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

type PgSql = ReturnType<typeof postgres>;
type Unsafe = (query: string, args?: unknown[], opts?: Record<string, unknown>) => unknown;
type Scoped = (...args: unknown[]) => unknown;

/**
 * Drizzle runs every query it did not name with `prepare: false`, and postgres.js sends such a
 * query with parameters in two round trips: Parse + Describe, wait for the parameter types, then
 * Bind + Execute. As named prepared statements (cached per connection) the first run is one
 * round trip and every later one sends only Bind + Execute. So queries here, in transactions
 * and savepoints included, are always prepared. The statement texts are the app's own (values
 * are always parameters), so the per-connection cache stays small.
 */
function alwaysPrepare(sql: PgSql): void {
  const target = sql as unknown as { unsafe: Unsafe; begin?: Scoped; savepoint?: Scoped };
  const unsafe = target.unsafe;
  target.unsafe = (query, args, opts) =>
    Array.isArray(args) ? unsafe(query, args, { ...opts, prepare: true }) : unsafe(query, args, opts);
  for (const name of ["begin", "savepoint"] as const) {
    const scoped = target[name];
    if (!scoped) continue;
    // begin([options,] fn) / savepoint([name,] fn): the callback gets the transaction's own sql.
    target[name] = (...args: unknown[]) => {
      const fn = args[args.length - 1];
      if (typeof fn === "function") {
        args[args.length - 1] = (tx: PgSql) => {
          alwaysPrepare(tx);
          return fn(tx);
        };
      }
      return scoped(...args);
    };
  }
}

/** Normalizes `db.execute()` results (PGlite returns {rows}, postgres.js an array). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Executes a Drizzle `sql` fragment and returns rows on either driver. */
export async function execRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

export { schema };
