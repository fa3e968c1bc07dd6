import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentEvents, notifications, userProfiles } from "../../src/db/schema.js";
import { ORDER_NUMBER_RE } from "../../src/services/orders/number.js";
import type { createTestApp } from "../helpers/app.js";
import { type Client, customer, type demoCart, orderBody, ordersFixture } from "./support.js";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type OrderJson = {
  id: string;
  orderNumber: string;
  status: string;
  userProfileId: string;
  totalAmount: string;
  subtotal: string;
  deliveryFee: string;
  discount: string;
  statusHistory: Array<{ status: string; by: string; note?: string; at: string }>;
  confirmedAt: string | null;
  cancelledAt: string | null;
  cancellationReason: string | null;
  rating: number | null;
  staffNotes: string | null;
  assignedTo: string | null;
};

describe("/api/orders", () => {
  let t: TestApp;
  let cart: Awaited<ReturnType<typeof demoCart>>;
  let alice: Client;
  let bob: Client;
  let admin: Client;

  beforeAll(async () => {
    ({ t, cart, alice, bob, admin } = await ordersFixture());
  });
  afterAll(async () => {
    await t.close();
  });

  async function place(who: Client, extra: Record<string, unknown> = {}): Promise<OrderJson> {
    const res = await who.request("POST", "/api/orders", { ...orderBody(cart.items), ...extra });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as OrderJson;
  }

  it("prices a customer's order on the server and ignores a claimed customer, fee and discount", async () => {
    const bobsFirst = await place(bob);
    const order = await place(alice, {
      userProfileId: bobsFirst.userProfileId,
      deliveryFee: "0",
      discount: "99999",
    });
    expect(order.orderNumber).toMatch(ORDER_NUMBER_RE);
    expect(order.userProfileId).not.toBe(bobsFirst.userProfileId);
    expect(order.totalAmount).toBe(cart.expected.total);
    expect(order.deliveryFee).toBe(cart.settings.deliveryFee);
    expect(order.discount).toBe("0.00");
    expect(order.statusHistory).toEqual([expect.objectContaining({ status: "pending", by: "customer" })]);
    // Staff learn about it: one order notification record for it.
    const recs = await t.deps.db.select().from(notifications).where(eq(notifications.orderId, order.id));
    expect(recs.map((r) => r.type)).toEqual(["order"]);
  });

  it("records a checkout as an order attempt, refused or not, for the funnel", async () => {
    const carol = customer(t.app);
    const refused = await carol.request(
      "POST",
      "/api/orders",
      orderBody([{ productId: cart.flower.id, quantity: 1 }]),
    );
    expect(refused.status).toBe(422);
    const order = await place(carol);
    const events = await t.deps.db
      .select()
      .from(agentEvents)
      .where(eq(agentEvents.userProfileId, order.userProfileId));
    expect(events.filter((e) => e.eventType === "order_attempt")).toHaveLength(2);
    expect(events.filter((e) => e.eventType === "order_success")).toHaveLength(1);
  });

  it("answers bad input with a 400 naming the field", async () => {
    const res = await alice.request("POST", "/api/orders", {
      ...orderBody(cart.items),
      paymentMethod: "gold",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("paymentMethod");
    const below = await alice.request("POST", "/api/orders", {
      ...orderBody([{ productId: cart.flower.id, quantity: "0.5" }]),
    });
    expect([400, 422]).toContain(below.status);
  });

  it("never shows a customer another customer's order: by id, by number or in the list", async () => {
    const mine = await place(alice);
    const byId = await bob.request("GET", `/api/orders?orderId=${mine.id}`);
    expect(byId.status).toBe(404);
    const byNumber = await bob.request("GET", `/api/orders?orderNumber=${mine.orderNumber}`);
    expect(byNumber.status).toBe(404);
    const list = (await (await bob.request("GET", "/api/orders")).json()) as OrderJson[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.map((o) => o.id)).not.toContain(mine.id);
    expect(new Set(list.map((o) => o.userProfileId)).size).toBe(1);
    // The owner sees it every way.
    expect((await alice.request("GET", `/api/orders?orderId=${mine.id}`)).status).toBe(200);
    expect((await alice.request("GET", `/api/orders?orderNumber=${mine.orderNumber}`)).status).toBe(200);
    const own = (await (await alice.request("GET", "/api/orders")).json()) as OrderJson[];
    expect(own.map((o) => o.id)).toContain(mine.id);
    // Staff see it too.
    expect((await admin.request("GET", `/api/orders?orderId=${mine.id}`)).status).toBe(200);
  });

  it("lets staff list all orders newest first, paginated and filtered", async () => {
    const res = await admin.request("GET", "/api/orders?limit=2&offset=0");
    expect(res.status).toBe(200);
    const total = Number(res.headers.get("x-total-count"));
    const page1 = (await res.json()) as OrderJson[];
    expect(page1).toHaveLength(2);
    expect(total).toBeGreaterThanOrEqual(3);
    const page2 = (await (await admin.request("GET", "/api/orders?limit=2&offset=2")).json()) as OrderJson[];
    expect(page2.map((o) => o.id)).not.toContain(page1[0]?.id);
    const all = (await (await admin.request("GET", "/api/orders?limit=200")).json()) as OrderJson[];
    const numbers = all.map((o) => o.orderNumber);
    expect([...numbers].sort().reverse()).toEqual(numbers);
    const pending = (await (await admin.request("GET", "/api/orders?status=pending")).json()) as OrderJson[];
    expect(pending.every((o) => o.status === "pending")).toBe(true);
  });

  it("lets staff create an order for any customer with their own fee and discount", async () => {
    const bobs = await place(bob);
    const res = await admin.request("POST", "/api/orders", {
      ...orderBody(cart.items),
      userProfileId: bobs.userProfileId,
      deliveryFee: "0",
      discount: "10.50",
    });
    expect(res.status).toBe(201);
    const o = (await res.json()) as OrderJson;
    expect(o.userProfileId).toBe(bobs.userProfileId);
    expect(o.deliveryFee).toBe("0.00");
    expect(o.discount).toBe("10.50");
    expect(o.totalAmount).toBe((Number(cart.expected.subtotal) - 10.5).toFixed(2));
    const missing = await admin.request("POST", "/api/orders", orderBody(cart.items));
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("userProfileId");
  });

  it("walks the lifecycle with history and stage times, and refuses anything else with 409", async () => {
    const o = await place(alice);
    // Cached read first, so the change must invalidate it.
    expect(
      ((await (await alice.request("GET", `/api/orders?orderId=${o.id}`)).json()) as OrderJson).status,
    ).toBe("pending");
    const skip = await admin.request("PATCH", "/api/orders", { orderId: o.id, status: "delivering" });
    expect(skip.status).toBe(409);
    expect(await skip.text()).toContain("pending to delivering");
    for (const status of ["confirmed", "preparing", "delivering", "completed"]) {
      const res = await admin.request("PATCH", "/api/orders", {
        orderId: o.id,
        status,
        note: `now ${status}`,
      });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const done = (await (await alice.request("GET", `/api/orders?orderId=${o.id}`)).json()) as OrderJson;
    expect(done.status).toBe("completed");
    expect(done.confirmedAt).not.toBeNull();
    expect(done.statusHistory.map((h) => h.status)).toEqual([
      "pending",
      "confirmed",
      "preparing",
      "delivering",
      "completed",
    ]);
    expect(done.statusHistory[1]).toMatchObject({ by: "staff:admin", note: "now confirmed" });
    const again = await admin.request("PATCH", "/api/orders", {
      orderId: o.id,
      status: "cancelled",
      note: "late",
    });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("completed");
    // The customer rates it once.
    const rated = await alice.request("POST", `/api/orders/${o.id}/review`, { rating: 5, review: "great" });
    expect(rated.status).toBe(200);
    expect(((await rated.json()) as OrderJson).rating).toBe(5);
    expect((await alice.request("POST", `/api/orders/${o.id}/review`, { rating: 1 })).status).toBe(409);
    expect((await bob.request("POST", `/api/orders/${o.id}/review`, { rating: 1 })).status).toBe(404);
  });

  it("cancels with a reason and takes the order out of the customer's total spent", async () => {
    const o = await place(alice);
    const [before] = await t.deps.db.select().from(userProfiles).where(eq(userProfiles.id, o.userProfileId));
    const noReason = await admin.request("PATCH", "/api/orders", { orderId: o.id, status: "cancelled" });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("note");
    const res = await admin.request("PATCH", "/api/orders", {
      orderId: o.id,
      status: "cancelled",
      note: "no stock",
    });
    expect(res.status).toBe(200);
    const c = (await res.json()) as OrderJson;
    expect(c.cancellationReason).toBe("no stock");
    expect(c.cancelledAt).not.toBeNull();
    const [after] = await t.deps.db.select().from(userProfiles).where(eq(userProfiles.id, o.userProfileId));
    expect(Number(before?.totalSpent) - Number(after?.totalSpent)).toBeCloseTo(Number(o.totalAmount), 2);
    expect((await alice.request("POST", `/api/orders/${o.id}/review`, { rating: 4 })).status).toBe(409);
  });

  it("lets staff assign an order and add notes under /api/admin/orders", async () => {
    const o = await place(alice);
    const staffId = (
      (await (await admin.request("GET", "/api/auth/me")).json().catch(() => ({}))) as { id?: string }
    ).id;
    const owner = await t.deps.database.query<{ id: string }>("select id from staff_users limit 1");
    const id = staffId ?? owner[0]?.id;
    const a = await admin.request("POST", `/api/admin/orders/${o.id}/assign`, { staffId: id });
    expect(a.status).toBe(200);
    expect(((await a.json()) as OrderJson).assignedTo).toBe(id);
    await admin.request("POST", `/api/admin/orders/${o.id}/notes`, { note: "call before" });
    const n = await admin.request("POST", `/api/admin/orders/${o.id}/notes`, { note: "gate code 12" });
    const notes = ((await n.json()) as OrderJson).staffNotes ?? "";
    expect(notes.split("\n")).toHaveLength(2);
    expect(notes).toContain("gate code 12");
    const bad = await admin.request("POST", `/api/admin/orders/${o.id}/assign`, {
      staffId: "00000000-0000-4000-8000-000000000000",
    });
    expect(bad.status).toBe(400);
    // A customer cannot reach any of it.
    expect((await alice.request("POST", `/api/admin/orders/${o.id}/notes`, { note: "x" })).status).toBe(401);
    expect((await alice.request("PATCH", "/api/orders", { orderId: o.id, status: "confirmed" })).status).toBe(
      401,
    );
  });

  it("gives 200 concurrent orders 200 distinct, well-formed numbers", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 ? alice : bob).request("POST", "/api/orders", orderBody(cart.items)).then(async (r) => {
          expect(r.status).toBe(201);
          return ((await r.json()) as OrderJson).orderNumber;
        }),
      ),
    );
    expect(new Set(results).size).toBe(200);
    for (const n of results) expect(n).toMatch(ORDER_NUMBER_RE);
  }, 120_000);
});
