/**
 * Secrets generated on first start and kept in the database, so every instance shares them.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/client.js";
import { appSecrets } from "../db/schema.js";

/** Returns the stored secret named `key`, creating it once (concurrent starters agree on one value). */
export async function getOrCreateSecret(db: DbOrTx, key: string, bytes = 32): Promise<string> {
  await db
    .insert(appSecrets)
    .values({ key, value: randomBytes(bytes).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await db.select().from(appSecrets).where(eq(appSecrets.key, key));
  if (!row) throw new Error(`secret ${key} could not be stored`);
  return row.value;
}
