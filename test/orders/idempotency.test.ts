/**
 * A retried checkout (same idempotency key, same order) gets the first order back as 200, with
 * no second order, number or staff alert; the key reused for a different order is a 409.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications } from "../../src/db/schema.js";
import { createTestApp } from "../helpers/app.js";
import { customer, demoCart, orderBody } from "./support.js";

describe("idempotency keys on POST /api/orders", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("a retry gets the same order as 200; a different order under the key is a 409 naming it", async () => {
    const { items, flower } = await demoCart(t.deps);
    const ann = customer(t.app);
    const body = { ...orderBody(items), idempotencyKey: "checkout-7f3a9c21" };
    const first = await ann.request("POST", "/api/orders", body);
    expect(first.status).toBe(201);
    const order = (await first.json()) as { id: string; orderNumber: string };

    const again = await ann.request("POST", "/api/orders", body);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(order.id);

    const more = { ...body, items: [{ productId: flower.id, quantity: Number(flower.minQuantity) + 5 }] };
    const otherAddress = { ...body, deliveryAddress: "99 Other Street" };
    for (const changed of [more, otherAddress, { ...body, paymentMethod: "crypto" }]) {
      const r = await ann.request("POST", "/api/orders", changed);
      expect(r.status).toBe(409);
      const err = (await r.json()) as {
        error: { code: string; message: string; details: Array<{ field: string }> };
      };
      expect(err.error.code).toBe("CONFLICT");
      expect(err.error.message).toMatch(/^idempotencyKey: /);
      expect(err.error.details[0]?.field).toBe("idempotencyKey");
    }

    // One order, one alert.
    const mine = await t.deps.database.query("select id from orders where idempotency_key like $1", [
      "%:checkout-7f3a9c21",
    ]);
    expect(mine.map((r) => r.id)).toEqual([order.id]);
    const alerts = await t.deps.db.select().from(notifications).where(eq(notifications.orderId, order.id));
    expect(alerts).toHaveLength(1);
  });
});
