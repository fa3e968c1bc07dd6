/** Phone numbers from the API: 8 to 15 digits as people write them, or a 400 naming the field. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getOrCreateWebProfile } from "../../src/services/profiles.js";
import { createTestApp } from "../helpers/app.js";
import { customer, demoCart, orderBody, staff } from "./support.js";

describe("phone numbers", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("an order's contactInfo.phone needs 8 to 15 digits", async () => {
    const { items } = await demoCart(t.deps);
    const ann = customer(t.app);
    for (const phone of ["( ) - . ( )", "12345", "+1 (234) 567-8901-2345-678", "call me"]) {
      const body = orderBody(items);
      const r = await ann.request("POST", "/api/orders", {
        ...body,
        contactInfo: { ...body.contactInfo, phone },
      });
      expect(r.status, phone).toBe(400);
      const err = (await r.json()) as { error: { message: string } };
      expect(err.error.message, phone).toMatch(/^contactInfo\.phone: /);
    }
    for (const phone of ["+66 81 234 5678", "081-234-5678", "(02) 123.4567"]) {
      const body = orderBody(items);
      const r = await ann.request("POST", "/api/orders", {
        ...body,
        contactInfo: { ...body.contactInfo, phone },
      });
      expect(r.status, phone).toBe(201);
    }
  });

  it("staff editing a customer's phone get the same rule; null clears it", async () => {
    const profile = await getOrCreateWebProfile(t.deps, `u_${crypto.randomUUID()}`);
    const boss = staff(t.app);
    const path = `/api/admin/customers/${profile.id}`;
    const bad = await boss.request("PATCH", path, { phone: "not a phone at all" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^phone: /);
    const good = await boss.request("PATCH", path, { phone: "+66 81 234 5678" });
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ phone: "+66 81 234 5678" });
    const cleared = await boss.request("PATCH", path, { phone: null });
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toMatchObject({ phone: null });
  });
});
