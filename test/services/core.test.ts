import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCatalog, seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { addMessage, getOrCreateConversation, getRecentMessages } from "../../src/services/conversations.js";
import { createOrder } from "../../src/services/orders/create.js";
import { ORDER_NUMBER_RE } from "../../src/services/orders/number.js";
import { getOrCreateWebProfile, getProfileById, recordCustomerMessage } from "../../src/services/profiles.js";
import { createTestDeps } from "../helpers/app.js";

describe("core services on a real database", () => {
  let deps: Awaited<ReturnType<typeof createTestDeps>>;
  beforeAll(async () => {
    deps = await createTestDeps();
    expect(await seedDemoCatalogIfEmpty(deps)).toBe(true);
  });
  afterAll(async () => {
    await deps.close();
  });

  it("seeds the demo catalog once, with both price shapes", async () => {
    expect(await seedDemoCatalogIfEmpty(deps)).toBe(false);
    const items = await listCatalog(deps);
    expect(items.length).toBeGreaterThanOrEqual(25);
    expect(items.some((i) => i.prices.some((p) => p.kind === "weight"))).toBe(true);
    expect(items.some((i) => i.prices.some((p) => p.kind === "variant" && p.size && p.color))).toBe(true);
    for (const t of ["indica", "sativa", "hybrid"])
      expect(items.some((i) => i.category === "flower" && i.type === t)).toBe(true);
  });

  it("keeps one profile per web id and counts messages", async () => {
    const a = await getOrCreateWebProfile(deps, "u_00000000-0000-0000-0000-000000000001");
    const b = await getOrCreateWebProfile(deps, "u_00000000-0000-0000-0000-000000000001");
    expect(b.id).toBe(a.id);
    await recordCustomerMessage(deps, a);
    await recordCustomerMessage(deps, a);
    expect((await getProfileById(deps, a.id))?.totalMessages).toBe(2);
    expect((await getOrCreateWebProfile(deps, "u_00000000-0000-0000-0000-000000000001")).totalMessages).toBe(
      2,
    );
  });

  it("stores messages in order and ignores another customer's conversation id", async () => {
    const a = await getOrCreateWebProfile(deps, "u_00000000-0000-0000-0000-00000000000a");
    const b = await getOrCreateWebProfile(deps, "u_00000000-0000-0000-0000-00000000000b");
    const ca = await getOrCreateConversation(deps, {
      profileId: a.id,
      channel: "web",
      language: "en",
      timeoutMinutes: 30,
    });
    await addMessage(deps, ca, { role: "user", content: "hello" });
    await addMessage(deps, ca, { role: "assistant", content: "hi there" });
    expect((await getRecentMessages(deps, ca.id)).map((m) => m.content)).toEqual(["hello", "hi there"]);
    const cb = await getOrCreateConversation(deps, {
      profileId: b.id,
      channel: "web",
      language: "en",
      conversationId: ca.id,
      timeoutMinutes: 30,
    });
    expect(cb.id).not.toBe(ca.id);
    expect(cb.userProfileId).toBe(b.id);
  });

  it("gives 200 concurrent orders 200 distinct, well-formed numbers with server-side totals", async () => {
    const p = await getOrCreateWebProfile(deps, "u_00000000-0000-0000-0000-0000000000cc");
    const ph = (await listCatalog(deps)).find((i) => i.name === "Purple Haze")!;
    const created = await Promise.all(
      Array.from({ length: 200 }, () =>
        createOrder(deps, {
          userProfileId: p.id,
          items: [{ productId: ph.id, quantity: 20 }],
          contactInfo: { name: "Ann", phone: "+66 81 234 5678" },
          deliveryAddress: "Hotel ABC, room 1",
          paymentMethod: "cash",
          source: "web",
          createdBy: "customer",
        }),
      ),
    );
    const numbers = new Set(created.map((o) => o.orderNumber));
    expect(numbers.size).toBe(200);
    for (const n of numbers) expect(n).toMatch(ORDER_NUMBER_RE);
    expect(created.every((o) => o.totalAmount === "6100.00")).toBe(true);
    expect((await getProfileById(deps, p.id))?.totalOrders).toBe(200);
  });
});
