/**
 * Applies the committed SQL migrations (src/db/migrations, made by `npm run db:generate`).
 * On PostgreSQL an advisory lock makes concurrent instances take turns.
 */
import { fileURLToPath } from "node:url";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { DatabaseHandle } from "./client.js";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

const MIGRATION_LOCK = 7_312_001;

export async function runMigrations(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === "pglite") {
    // biome-ignore lint/suspicious/noExplicitAny: the two drizzle drivers share a runtime shape
    await migratePglite(handle.db as any, { migrationsFolder });
    return;
  }
  await handle.withAdvisoryLock(MIGRATION_LOCK, () =>
    // biome-ignore lint/suspicious/noExplicitAny: see above
    migratePostgres(handle.db as any, { migrationsFolder }),
  );
}
