/**
 * /orders in the Telegram bot: the customer's last 5 orders with the server's status, in their
 * language; nothing when they have none; never another customer's orders; not a turn of the
 * assistant (no message saved, no staff notification).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORDER_STATUS_LABEL, T } from "../../src/agent/offline/templates.js";
import { runTurn } from "../../src/agent/turn.js";
import { CUSTOMER_COMMANDS } from "../../src/channels/telegram/customer.js";
import { messages, notifications, userProfiles } from "../../src/db/schema.js";
import { formatMoney } from "../../src/services/money.js";
import { createOrder, type Order } from "../../src/services/orders/create.js";
import { changeOrderStatus } from "../../src/services/orders/status.js";
import { textUpdate } from "../fakes/telegram.js";
import { waitFor } from "../jobs/support.js";
import { demoCart } from "../orders/support.js";
import { telegramRig } from "./support.js";

describe("/orders in the Telegram bot", () => {
  let rig: Awaited<ReturnType<typeof telegramRig>>;
  let cart: Awaited<ReturnType<typeof demoCart>>;
  let update = 940_000;
  beforeAll(async () => {
    rig = await telegramRig(runTurn);
    cart = await demoCart(rig.main.deps);
  });
  afterAll(async () => {
    await rig.close();
  });

  /** Sends a text and returns the bot's next message to that chat. */
  async function send(text: string, user: { id: number; language_code: string }) {
    const before = rig.fake.sentTo(user.id).length;
    expect((await rig.webhook(rig.main, textUpdate(text, user, update++))).status).toBe(200);
    return String(
      (await waitFor(() => rig.fake.sentTo(user.id)[before], 20_000, `reply to ${text}`)).params.text,
    );
  }

  async function profileId(telegramUserId: number): Promise<string> {
    const [p] = await rig.main.deps.db
      .select({ id: userProfiles.id })
      .from(userProfiles)
      .where(eq(userProfiles.telegramUserId, telegramUserId));
    return p!.id;
  }

  const place = (userProfileId: string): Promise<Order> =>
    createOrder(rig.main.deps, {
      userProfileId,
      items: cart.items,
      contactInfo: { phone: "+66 81 000 1111" },
      deliveryAddress: "1 Test Road, Patong",
      paymentMethod: "cash",
      source: "telegram",
      createdBy: "assistant",
    });

  it("a customer without orders is told so, in their language", async () => {
    const user = { id: 9401, language_code: "ru", first_name: "Ira" };
    expect(await send("/orders", user)).toBe(T.noOrders.ru);
  }, 60_000);

  it("lists the last 5 orders with the server's status, only this customer's", async () => {
    const user = { id: 9402, language_code: "en", first_name: "Al" };
    const other = { id: 9403, language_code: "en", first_name: "Eve" };
    await send("/start", user);
    await send("/start", other);
    const mine: Order[] = [];
    for (let k = 0; k < 6; k++) mine.push(await place(await profileId(user.id)));
    const foreign = await place(await profileId(other.id));
    // Staff confirm the newest one (without the job runner: the customer's status message is
    // another test's subject, and would race the reply here).
    const { db, cache, clock } = rig.main.deps;
    await changeOrderStatus(
      { db, cache, clock },
      { orderId: mine[5]!.id, status: "confirmed", by: "staff:t" },
    );

    const text = await send("/orders", user);
    expect(text).toContain(T.ordersTitle.en);
    for (const o of mine.slice(1)) expect(text).toContain(o.orderNumber);
    expect(text).not.toContain(mine[0]!.orderNumber); // the sixth newest is left out
    expect(text).not.toContain(foreign.orderNumber);
    expect(text).toContain(`${mine[5]!.orderNumber} from `);
    expect(text).toContain(ORDER_STATUS_LABEL.en.confirmed);
    expect(text).toContain(ORDER_STATUS_LABEL.en.pending);
    expect(text).toContain(formatMoney(cart.expected.total, cart.settings.currency));
    expect(text).toContain("latest 5 of your 6 orders");

    // The other customer sees their one order in Thai when Telegram says Thai.
    const thai = await send("/orders", { ...other, language_code: "th" });
    expect(thai).toContain(T.orderTitle.th);
    expect(thai).toContain(foreign.orderNumber);
    expect(thai).toContain(ORDER_STATUS_LABEL.th.pending);
    expect(thai).not.toContain(mine[5]!.orderNumber);

    // Not an assistant turn: no message stored, no staff notification.
    const id = await profileId(user.id);
    expect(
      await rig.main.deps.db.select().from(notifications).where(eq(notifications.userProfileId, id)),
    ).toEqual([]);
    const saved = await rig.main.deps.db.select({ content: messages.content }).from(messages);
    expect(saved.some((m) => m.content.startsWith("/orders"))).toBe(false);
  }, 90_000);

  it("offers /orders in every language for the bot's command list", () => {
    for (const list of Object.values(CUSTOMER_COMMANDS)) {
      expect(list.map((c) => c.command)).toEqual(["start", "orders"]);
      for (const c of list) expect(c.description.length).toBeGreaterThan(3);
    }
  });
});
