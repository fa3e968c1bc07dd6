/**
 * Staff-only order fields (internal notes, the assignee, the idempotency key) never reach the
 * customer: not in GET by id or number, not in their list, not in a retried POST, not after a review.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../helpers/app.js";
import { customer, demoCart, orderBody, staff } from "../orders/support.js";

const NOTE = "INTERNAL: suspected fraud, check ID on delivery";

describe("staff-only order fields", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("are hidden from the customer who owns the order, and still shown to staff", async () => {
    const { items } = await demoCart(t.deps);
    const ann = customer(t.app);
    const body = { ...orderBody(items), idempotencyKey: "retry-key-123456" };
    const created = await ann.request("POST", "/api/orders", body);
    expect(created.status).toBe(201);
    const order = (await created.json()) as { id: string; orderNumber: string };

    const boss = staff(t.app);
    const me = (await (await boss.request("GET", "/api/auth/me")).json()) as { id: string };
    expect((await boss.request("POST", `/api/admin/orders/${order.id}/notes`, { note: NOTE })).status).toBe(
      200,
    );
    expect(
      (await boss.request("POST", `/api/admin/orders/${order.id}/assign`, { staffId: me.id })).status,
    ).toBe(200);
    for (const status of ["confirmed", "preparing", "delivering", "completed"]) {
      const r = await boss.request("PATCH", "/api/orders", { orderId: order.id, status });
      expect(r.status).toBe(200);
    }

    // Staff see their notes (so the checks below are not vacuous).
    const forStaff = await (await boss.request("GET", `/api/orders?orderId=${order.id}`)).text();
    expect(forStaff).toContain("suspected fraud");
    expect(forStaff).toContain(me.id);

    const views = [
      await ann.request("GET", `/api/orders?orderId=${order.id}`),
      await ann.request("GET", `/api/orders?orderNumber=${order.orderNumber}`),
      await ann.request("GET", "/api/orders"),
      await ann.request("POST", "/api/orders", body),
      await ann.request("POST", `/api/orders/${order.id}/review`, { rating: 5 }),
    ];
    for (const r of views) {
      expect(r.status).toBeLessThan(300);
      const text = await r.text();
      expect(text).toContain(order.orderNumber);
      expect(text).not.toContain("suspected fraud");
      expect(text).not.toContain("staffNotes");
      expect(text).not.toContain(me.id);
      expect(text).not.toContain("retry-key-123456");
    }
  });
});
