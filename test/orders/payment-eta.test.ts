/**
 * PATCH /api/orders beyond the status: the payment status (pending → paid → refunded) and the
 * estimated delivery, their rules, history, cache invalidation and CRM events; and staff's
 * GET /api/orders?userProfileId= filter.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries } from "../../src/db/schema.js";
import { DatabaseJobRunner } from "../../src/jobs/db-runner.js";
import "../../src/jobs/handlers.js";
import { updateSettings } from "../../src/services/settings.js";
import { createTestApp } from "../helpers/app.js";
import { waitFor } from "../jobs/support.js";
import { type Client, customer, demoCart, orderBody, ordersFixture, staff } from "./support.js";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type History = {
  status: string;
  at: string;
  by: string;
  note?: string;
  paymentStatus?: string;
  estimatedDelivery?: string | null;
};
type OrderJson = {
  id: string;
  orderNumber: string;
  status: string;
  userProfileId: string;
  paymentStatus: string;
  estimatedDelivery: string | null;
  confirmedAt: string | null;
  statusHistory: History[];
};
type ErrorJson = { error: { code: string; message: string; details?: Array<{ field: string }> } };

describe("PATCH /api/orders: payment status and estimated delivery", () => {
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

  async function place(who: Client = alice): Promise<OrderJson> {
    const res = await who.request("POST", "/api/orders", orderBody(cart.items));
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as OrderJson;
  }
  async function patch(body: Record<string, unknown>) {
    return admin.request("PATCH", "/api/orders", body);
  }
  async function patchOk(body: Record<string, unknown>): Promise<OrderJson> {
    const res = await patch(body);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as OrderJson;
  }
  async function get(who: Client, id: string): Promise<OrderJson> {
    const res = await who.request("GET", `/api/orders?orderId=${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as OrderJson;
  }

  it("checks staff sign-in before the body", async () => {
    const o = await place();
    for (const body of [
      { orderId: o.id, paymentStatus: "paid" },
      { orderId: "nope", paymentStatus: "gold" },
    ]) {
      const res = await alice.request("PATCH", "/api/orders", body);
      expect(res.status).toBe(401);
    }
    expect((await get(alice, o.id)).paymentStatus).toBe("pending");
  });

  it("needs at least one of status, paymentStatus, estimatedDelivery (400 naming them)", async () => {
    const o = await place();
    for (const body of [{ orderId: o.id }, { orderId: o.id, note: "just a note" }]) {
      const res = await patch(body);
      expect(res.status).toBe(400);
      const err = (await res.json()) as ErrorJson;
      expect(err.error.code).toBe("VALIDATION_FAILED");
      for (const f of ["status", "paymentStatus", "estimatedDelivery"])
        expect(err.error.message).toContain(f);
      expect(err.error.details?.map((d) => d.field)).toEqual([
        "status",
        "paymentStatus",
        "estimatedDelivery",
      ]);
    }
    expect((await get(admin, o.id)).statusHistory).toHaveLength(1);
  });

  it("answers bad values with a 400 naming the field", async () => {
    const o = await place();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ paymentStatus: "settled" }, "paymentStatus"],
      [{ paymentStatus: null }, "paymentStatus"],
      [{ estimatedDelivery: "tomorrow" }, "estimatedDelivery"],
      [{ estimatedDelivery: "2030-01-01T10:00:00" }, "estimatedDelivery"], // no zone
      [{ estimatedDelivery: "0000-06-01T10:00:00Z" }, "estimatedDelivery"],
      [{ estimatedDelivery: "10000-01-01T00:00:00Z" }, "estimatedDelivery"],
      [{ estimatedDelivery: 1735689600000 }, "estimatedDelivery"],
    ];
    for (const [extra, field] of cases) {
      const res = await patch({ orderId: o.id, ...extra });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(((await res.json()) as ErrorJson).error.message.startsWith(field), JSON.stringify(extra)).toBe(
        true,
      );
    }
    const missing = await patch({ orderId: "00000000-0000-4000-8000-000000000000", paymentStatus: "paid" });
    expect(missing.status).toBe(404);
  });

  it("marks an order paid: history with who did it, every cached read shows it", async () => {
    const o = await place();
    // Warm every cache that holds the order: by id (customer and staff), the customer's list,
    // the staff's first pending page and today's page.
    expect((await get(alice, o.id)).paymentStatus).toBe("pending");
    expect((await get(admin, o.id)).paymentStatus).toBe("pending");
    const listed = async (who: Client, path: string) =>
      ((await (await who.request("GET", path)).json()) as OrderJson[]).find((x) => x.id === o.id);
    expect((await listed(alice, "/api/orders"))?.paymentStatus).toBe("pending");
    expect((await listed(admin, "/api/orders?status=pending"))?.paymentStatus).toBe("pending");
    expect((await listed(admin, "/api/orders?today=true"))?.paymentStatus).toBe("pending");

    const paid = await patchOk({ orderId: o.id, paymentStatus: "paid", note: "transfer ref 4411" });
    expect(paid.paymentStatus).toBe("paid");
    expect(paid.status).toBe("pending");
    expect(paid.statusHistory).toHaveLength(2);
    expect(paid.statusHistory[1]).toMatchObject({
      status: "pending",
      paymentStatus: "paid",
      by: "staff:admin",
      note: "transfer ref 4411",
    });
    expect(paid.statusHistory[1]).not.toHaveProperty("estimatedDelivery");

    expect((await get(alice, o.id)).paymentStatus).toBe("paid");
    expect((await get(admin, o.id)).paymentStatus).toBe("paid");
    expect((await listed(alice, "/api/orders"))?.paymentStatus).toBe("paid");
    expect((await listed(admin, "/api/orders?status=pending"))?.paymentStatus).toBe("paid");
    expect((await listed(admin, "/api/orders?today=true"))?.paymentStatus).toBe("paid");
  });

  it("refuses payment moves a shop would not make, with a 409 that says why", async () => {
    const o = await place();
    const refused = async (body: Record<string, unknown>, text: string) => {
      const res = await patch({ orderId: o.id, ...body });
      expect(res.status, JSON.stringify(body)).toBe(409);
      const err = (await res.json()) as ErrorJson;
      expect(err.error.code).toBe("INVALID_TRANSITION");
      expect(err.error.message).toContain(text);
      expect(err.error.message).toContain(o.orderNumber);
    };
    await refused({ paymentStatus: "refunded" }, "only a paid order can be refunded");
    await refused({ paymentStatus: "pending" }, "already pending");
    // Cancelling and marking paid in one request: refused as a whole, nothing changes.
    await refused(
      { status: "cancelled", note: "customer left", paymentStatus: "paid" },
      "cancelled order paid",
    );
    expect(await get(admin, o.id)).toMatchObject({ status: "pending", paymentStatus: "pending" });

    await patchOk({ orderId: o.id, paymentStatus: "paid" });
    await refused({ paymentStatus: "paid" }, "already paid");
    await refused({ paymentStatus: "pending" }, "refund it instead");

    // A paid order that is cancelled is refunded; after that the payment is final.
    await patchOk({ orderId: o.id, status: "cancelled", note: "out of stock" });
    const refunded = await patchOk({ orderId: o.id, paymentStatus: "refunded" });
    expect(refunded).toMatchObject({ status: "cancelled", paymentStatus: "refunded" });
    await refused({ paymentStatus: "paid" }, "cancelled order paid");
    await refused({ paymentStatus: "refunded" }, "already refunded");
    expect(refunded.statusHistory.map((h) => [h.status, h.paymentStatus])).toEqual([
      ["pending", undefined],
      ["pending", "paid"],
      ["cancelled", undefined],
      ["cancelled", "refunded"],
    ]);

    // A cancelled order that was never paid cannot be marked paid either.
    const other = await place();
    await patchOk({ orderId: other.id, status: "cancelled", note: "duplicate" });
    const res = await patch({ orderId: other.id, paymentStatus: "paid" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("cancelled");
  });

  it("moves the status and the payment in one request and one history entry", async () => {
    const o = await place();
    const both = await patchOk({
      orderId: o.id,
      status: "confirmed",
      paymentStatus: "paid",
      note: "paid cash",
    });
    expect(both).toMatchObject({ status: "confirmed", paymentStatus: "paid" });
    expect(both.confirmedAt).not.toBeNull();
    expect(both.statusHistory).toHaveLength(2);
    expect(both.statusHistory[1]).toMatchObject({
      status: "confirmed",
      paymentStatus: "paid",
      note: "paid cash",
      by: "staff:admin",
    });
    // A bad status move refuses the whole request (the payment is not taken alone).
    const o2 = await place();
    const res = await patch({ orderId: o2.id, status: "completed", paymentStatus: "paid" });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("pending to completed");
    expect((await get(admin, o2.id)).paymentStatus).toBe("pending");
    // The status-only path is as it was: an entry without payment fields.
    const moved = await patchOk({ orderId: o2.id, status: "confirmed" });
    expect(moved.statusHistory[1]).toEqual({
      status: "confirmed",
      at: expect.any(String),
      by: "staff:admin",
    });
  });

  it("sets, changes and clears the estimated delivery, and keeps it once the order is final", async () => {
    const o = await place();
    expect((await get(alice, o.id)).estimatedDelivery).toBeNull(); // cached from here on
    const set = await patchOk({ orderId: o.id, estimatedDelivery: "2030-05-01T18:30:00+07:00" });
    expect(set.estimatedDelivery).toBe("2030-05-01T11:30:00.000Z");
    expect(set.statusHistory[1]).toMatchObject({
      status: "pending",
      estimatedDelivery: "2030-05-01T11:30:00.000Z",
      by: "staff:admin",
    });
    expect((await get(alice, o.id)).estimatedDelivery).toBe("2030-05-01T11:30:00.000Z");

    // The same instant written another way is no change: nothing recorded.
    const same = await patchOk({ orderId: o.id, estimatedDelivery: "2030-05-01T11:30:00Z" });
    expect(same.statusHistory).toHaveLength(2);

    const cleared = await patchOk({ orderId: o.id, estimatedDelivery: null });
    expect(cleared.estimatedDelivery).toBeNull();
    expect(cleared.statusHistory[2]).toMatchObject({ estimatedDelivery: null, by: "staff:admin" });
    expect((await get(alice, o.id)).estimatedDelivery).toBeNull();

    // Set with a status move; once completed the delivery time can no longer change.
    await patchOk({ orderId: o.id, status: "confirmed", estimatedDelivery: "2030-05-02T10:00:00Z" });
    for (const s of ["preparing", "delivering", "completed"]) await patchOk({ orderId: o.id, status: s });
    const late = await patch({ orderId: o.id, estimatedDelivery: "2030-05-03T10:00:00Z" });
    expect(late.status).toBe(409);
    const err = (await late.json()) as ErrorJson;
    expect(err.error.message).toContain("estimated delivery");
    expect(err.error.message).toContain("completed");
    expect((await get(admin, o.id)).estimatedDelivery).toBe("2030-05-02T10:00:00.000Z");
    // Marking a completed (cash on delivery) order paid is fine.
    expect((await patchOk({ orderId: o.id, paymentStatus: "paid" })).paymentStatus).toBe("paid");
  });

  describe("GET /api/orders?userProfileId=", () => {
    it("lets staff list one customer's orders, paginated and filtered, with the total", async () => {
      const carol = customer(t.app);
      const carols = [await place(carol), await place(carol), await place(carol)];
      await place(bob);
      const profileId = carols[0]!.userProfileId;
      const res = await admin.request("GET", `/api/orders?userProfileId=${profileId}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-total-count")).toBe("3");
      const list = (await res.json()) as OrderJson[];
      expect(list.map((o) => o.id)).toEqual(carols.map((o) => o.id).reverse());

      const page = await admin.request("GET", `/api/orders?userProfileId=${profileId}&limit=2&offset=2`);
      expect(page.headers.get("x-total-count")).toBe("3");
      expect(((await page.json()) as OrderJson[]).map((o) => o.id)).toEqual([carols[0]!.id]);

      await patchOk({ orderId: carols[1]!.id, status: "confirmed" });
      // status=pending on the first page is the cached list: the filter must not go through it.
      const pending = await admin.request("GET", `/api/orders?userProfileId=${profileId}&status=pending`);
      expect(pending.headers.get("x-total-count")).toBe("2");
      const pendingList = (await pending.json()) as OrderJson[];
      expect(pendingList.map((o) => o.id).sort()).toEqual([carols[0]!.id, carols[2]!.id].sort());
      const all = (await (await admin.request("GET", "/api/orders?status=pending")).json()) as OrderJson[];
      expect(new Set(all.map((o) => o.userProfileId)).size).toBeGreaterThan(1);

      const today = await admin.request("GET", `/api/orders?userProfileId=${profileId}&today=true`);
      expect(today.headers.get("x-total-count")).toBe("3");

      const nobody = await admin.request(
        "GET",
        "/api/orders?userProfileId=00000000-0000-4000-8000-000000000000",
      );
      expect(nobody.status).toBe(200);
      expect(nobody.headers.get("x-total-count")).toBe("0");
      expect(await nobody.json()).toEqual([]);
    });

    it("answers a bad id with a 400 naming userProfileId", async () => {
      for (const who of [admin, alice]) {
        const res = await who.request("GET", "/api/orders?userProfileId=42");
        expect(res.status).toBe(400);
        expect(((await res.json()) as ErrorJson).error.message.startsWith("userProfileId")).toBe(true);
      }
    });

    it("ignores it for a customer: their list is always their own", async () => {
      const bobs = await place(bob);
      const res = await alice.request("GET", `/api/orders?userProfileId=${bobs.userProfileId}`);
      expect(res.status).toBe(200);
      const list = (await res.json()) as OrderJson[];
      expect(list.length).toBeGreaterThan(0);
      expect(list.map((o) => o.id)).not.toContain(bobs.id);
      expect(new Set(list.map((o) => o.userProfileId))).toEqual(new Set([list[0]!.userProfileId]));
      expect(list[0]!.userProfileId).not.toBe(bobs.userProfileId);
    });
  });
});

describe("PATCH /api/orders: CRM webhook events", () => {
  let t: TestApp;
  let runner: DatabaseJobRunner;
  let server: Server;
  const received: Array<{ event: string; order: Record<string, unknown> }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: "true" } });
    runner = new DatabaseJobRunner(t.deps.database, t.deps.logger, { backoffBaseMs: 50, pollIntervalMs: 25 });
    t.deps.jobs = runner;
    await runner.start(t.deps);
    await updateSettings(t.deps, { crmWebhookUrl: url, crmWebhookSecret: "crm-shared-secret-123" }, "test");
  });
  afterAll(async () => {
    await runner?.stop({ timeoutMs: 100 });
    await t?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  async function deliveries(orderId: string, n: number) {
    return waitFor(async () => {
      const d = await t.deps.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.orderId, orderId));
      return d.length === n && d.every((x) => x.status === "delivered") ? d : undefined;
    });
  }

  it("sends order.updated for a payment or delivery-time change, and the status event too when it moves", async () => {
    const cart = await demoCart(t.deps);
    const admin = staff(t.app);
    const created = await customer(t.app).request("POST", "/api/orders", orderBody(cart.items));
    expect(created.status).toBe(201);
    const o = (await created.json()) as OrderJson;
    await deliveries(o.id, 1);

    const paid = await admin.request("PATCH", "/api/orders", { orderId: o.id, paymentStatus: "paid" });
    expect(paid.status).toBe(200);
    let rows = await deliveries(o.id, 2);
    expect(rows.map((d) => d.event).sort()).toEqual(["order.created", "order.updated"]);
    const sent = received.filter((r) => r.order.id === o.id && r.event === "order.updated");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.order.paymentStatus).toBe("paid");

    const eta = await admin.request("PATCH", "/api/orders", {
      orderId: o.id,
      status: "confirmed",
      estimatedDelivery: "2030-05-01T12:00:00Z",
    });
    expect(eta.status).toBe(200);
    rows = await deliveries(o.id, 4);
    expect(rows.map((d) => d.event).sort()).toEqual([
      "order.created",
      "order.status_changed",
      "order.updated",
      "order.updated",
    ]);
    // The CRM gets the new delivery time with it.
    await expect
      .poll(() => received.filter((r) => r.order.id === o.id && r.event === "order.updated").length)
      .toBe(2);
    const etaSent = received.filter((r) => r.order.id === o.id && r.event === "order.updated").at(-1);
    expect(new Date(String(etaSent?.order.estimatedDelivery)).toISOString()).toBe("2030-05-01T12:00:00.000Z");

    // Refused or unchanged: nothing is sent.
    expect(
      (await admin.request("PATCH", "/api/orders", { orderId: o.id, paymentStatus: "paid" })).status,
    ).toBe(409);
    const same = await admin.request("PATCH", "/api/orders", {
      orderId: o.id,
      estimatedDelivery: "2030-05-01T12:00:00.000Z",
    });
    expect(same.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(await deliveries(o.id, 4)).toHaveLength(4);
  });
});
