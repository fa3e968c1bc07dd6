/**
 * A profile merge (a Telegram link) while an order of the surviving profile commits: the merge
 * locks both rows before it reads them, so its sums include the order instead of writing over
 * it. Needs two connections at once: PostgreSQL only (PGlite is one connection).
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userProfiles } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { mergeProfiles } from "../../src/services/profile-merge.js";
import { getOrCreateWebProfile } from "../../src/services/profiles.js";
import { createTestDeps } from "../helpers/app.js";
import { usingPostgres } from "../helpers/db.js";

describe.runIf(usingPostgres)("merging profiles while an order commits", () => {
  let deps: Deps & { close(): Promise<void> };
  beforeAll(async () => {
    deps = await createTestDeps();
  });
  afterAll(async () => {
    await deps.close();
  });

  it("keeps the order in the survivor's counters", async () => {
    const keep = await getOrCreateWebProfile(deps, `u_${crypto.randomUUID()}`);
    const gone = await getOrCreateWebProfile(deps, `u_${crypto.randomUUID()}`);
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    // An order's statement for the survivor: its row updated, not committed yet.
    const order = deps.db.transaction(async (tx) => {
      await tx
        .update(userProfiles)
        .set({ totalOrders: sql`total_orders + 1`, totalSpent: sql`total_spent + 100` })
        .where(eq(userProfiles.id, keep.id));
      locked();
      await held;
    });
    await isLocked;
    const merge = deps.db.transaction((tx) =>
      mergeProfiles(tx, { survivorId: keep.id, absorbedId: gone.id, now: new Date() }),
    );
    // Let the merge reach the survivor's row (it waits there), then the order commits.
    await new Promise((r) => setTimeout(r, 300));
    release();
    await order;
    await merge;
    const [row] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, keep.id));
    expect(row?.totalOrders).toBe(1);
    expect(row?.totalSpent).toBe("100.00");
  });
});
