/**
 * Test databases: in-memory PGlite with the real migrations by default; when DATABASE_URL is
 * set, a fresh database on that PostgreSQL server per call (dropped by `close`).
 */
import postgres from "postgres";
import { type DatabaseHandle, openDatabase } from "../../src/db/client.js";
import { runMigrations } from "../../src/db/migrate.js";

export const usingPostgres = Boolean(process.env.DATABASE_URL);

export async function createTestDb(): Promise<DatabaseHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await openDatabase({});
    await runMigrations(handle);
    return handle;
  }
  const name = `sk_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const handle = await openDatabase({ url: testUrl.toString(), maxConnections: 5 });
  await runMigrations(handle);
  const close = handle.close.bind(handle);
  handle.close = async () => {
    await close();
    const a = postgres(url, { max: 1, onnotice: () => {} });
    await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await a.end();
  };
  return handle;
}
