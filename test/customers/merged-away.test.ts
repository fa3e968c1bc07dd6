/**
 * A customer merged into another (a Telegram link confirmed) while something still holds the old
 * profile: an order placed with it belongs to the survivor, and a turn that ran with it does not
 * put the old profile back in the cache for the Telegram account.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTurn } from "../../src/agent/turn.js";
import { CacheKeys } from "../../src/cache/keys.js";
import { userProfiles } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { createOrder } from "../../src/services/orders/create.js";
import { mergeProfiles } from "../../src/services/profile-merge.js";
import { getOrCreateTelegramProfile, getOrCreateWebProfile } from "../../src/services/profiles.js";
import { agentDeps } from "../agent/support.js";
import { demoCart } from "../orders/support.js";

describe("a profile merged away while still in use", () => {
  let deps: Deps & { close(): Promise<void> };
  beforeAll(async () => {
    deps = await agentDeps();
  });
  afterAll(async () => {
    await deps.close();
  });

  async function mergedPair(telegramUserId: number) {
    const web = await getOrCreateWebProfile(deps, `u_${crypto.randomUUID()}`);
    const tg = await getOrCreateTelegramProfile(deps, { telegramUserId, firstName: "Nok" });
    await deps.db.transaction((tx) =>
      mergeProfiles(tx, { survivorId: web.id, absorbedId: tg.id, now: deps.clock.now() }),
    );
    return { web, tg };
  }

  const row = async (id: string) =>
    (await deps.db.select().from(userProfiles).where(eq(userProfiles.id, id)))[0];

  it("an order placed with the old profile belongs to the survivor", async () => {
    const { web, tg } = await mergedPair(8_100_001);
    const { items } = await demoCart(deps);
    const order = await createOrder(deps, {
      userProfileId: tg.id,
      items,
      contactInfo: { phone: "+66 81 234 5678" },
      deliveryAddress: "12 Beach Road",
      paymentMethod: "cash",
      source: "telegram",
      createdBy: "customer",
    });
    expect(order.userProfileId).toBe(web.id);
    expect((await row(web.id))?.totalOrders).toBe(1);
    expect((await row(tg.id))?.totalOrders).toBe(0);
  });

  it("a turn run with the old profile drops it from the Telegram key instead of caching it", async () => {
    const { tg } = await mergedPair(8_100_002);
    const key = CacheKeys.userByTelegram(8_100_002);
    await runTurn(deps, { channel: "telegram", profile: tg, text: "hello" });
    const cached = await deps.cache.get<{ id: string }>(key);
    expect(cached?.id).not.toBe(tg.id);
  });
});
