/**
 * End to end with the real assistant (the offline model): a customer orders in the bot, confirms
 * with the inline button, and the staff chat gets the order with the total the catalog gives.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTurn } from "../../src/agent/turn.js";
import { memoryFacts, orders, userProfiles } from "../../src/db/schema.js";
import { listCatalog, seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { formatMoney } from "../../src/services/money.js";
import { quote } from "../../src/services/pricing.js";
import { getSettings } from "../../src/services/settings.js";
import { textUpdate } from "../fakes/telegram.js";
import { waitFor } from "../jobs/support.js";
import { STAFF_CHAT, telegramRig } from "./support.js";

describe("an order placed in the Telegram bot", () => {
  let rig: Awaited<ReturnType<typeof telegramRig>>;
  beforeAll(async () => {
    rig = await telegramRig(runTurn);
    await seedDemoCatalogIfEmpty(rig.main.deps);
  });
  afterAll(async () => {
    await rig.close();
  });

  it("reaches the staff chat with the right total after the customer confirms with the button", async () => {
    const user = { id: 8101, language_code: "en", first_name: "Bo" };
    const say = async (text: string) => {
      const before = rig.fake.sentTo(user.id).length;
      expect((await rig.webhook(rig.main, textUpdate(text, user))).status).toBe(200);
      await waitFor(() => rig.fake.sentTo(user.id).length > before, 20_000, `reply to "${text}"`);
      return rig.fake.sentTo(user.id).at(-1)!;
    };
    const start = await say("/start");
    expect(String(start.params.text)).toContain("OG Lab");
    await say("I want to order 10g of Lebanese Gold");
    await say("my phone is +66812345678");
    await say("deliver to Hilton Hotel room 404");
    const summary = await say("I'll pay with crypto");
    const markup = JSON.stringify(summary.params.reply_markup ?? {});
    const confirm = /"callback_data":"(oc:[^"]+)"/.exec(markup)?.[1];
    expect(confirm, `summary had no confirm button: ${String(summary.params.text)}`).toBeTruthy();
    const press = {
      update_id: 880_001,
      callback_query: {
        id: "press-1",
        from: { is_bot: false, ...user },
        chat_instance: "c",
        data: confirm,
        message: { message_id: 1, date: 0, chat: { id: user.id, type: "private" }, text: "summary" },
      },
    };
    expect((await rig.webhook(rig.main, press)).status).toBe(200);
    const catalog = await listCatalog(rig.main.deps);
    const gold = catalog.find((i) => i.name === "Lebanese Gold")!;
    const settings = await getSettings(rig.main.deps);
    const expected = quote(catalog, [{ productId: gold.id, quantity: "10" }], {
      deliveryFee: settings.deliveryFee,
      currency: settings.currency,
    });
    const alert = await waitFor(
      () => rig.fake.sentTo(STAFF_CHAT).find((c) => String(c.params.text).includes("New order")),
      20_000,
      "the staff alert",
    );
    const [order] = await rig.main.deps.db.select().from(orders).where(eq(orders.orderSource, "telegram"));
    expect(order?.totalAmount).toBe(expected.total);
    expect(String(alert.params.text)).toContain(order!.orderNumber);
    expect(String(alert.params.text)).toContain(`Total: ${formatMoney(expected.total, settings.currency)}`);
    // The same button pressed again does nothing: the waiting state was used up.
    const again = {
      ...press,
      update_id: 880_002,
      callback_query: { ...press.callback_query, id: "press-2" },
    };
    expect((await rig.webhook(rig.main, again)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(
      await rig.main.deps.db.select().from(orders).where(eq(orders.orderSource, "telegram")),
    ).toHaveLength(1);
  }, 90_000);

  it("learns from what the customer says in the bot (memory-extract queued by the turn)", async () => {
    const user = { id: 8102, language_code: "en", first_name: "Cy" };
    expect((await rig.webhook(rig.main, textUpdate("Hi, I'm allergic to lemon", user))).status).toBe(200);
    await waitFor(() => rig.fake.sentTo(user.id).length > 0, 20_000, "the reply");
    const [profile] = await rig.main.deps.db
      .select()
      .from(userProfiles)
      .where(eq(userProfiles.telegramUserId, user.id));
    const facts = await waitFor(
      async () => {
        const rows = await rig.main.deps.db
          .select()
          .from(memoryFacts)
          .where(eq(memoryFacts.userProfileId, profile!.id));
        return rows.length > 0 ? rows : undefined;
      },
      20_000,
      "the memory-extract job",
    );
    expect(facts).toHaveLength(1);
    expect(facts[0]).toMatchObject({ category: "health", source: "conversation" });
    expect(facts[0]!.content.toLowerCase()).toContain("lemon");
  }, 60_000);
});
