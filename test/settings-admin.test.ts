import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settings } from "../src/db/schema.js";
import { getSettings } from "../src/services/settings.js";
import { createTestApp, staffAuth } from "./helpers/app.js";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

function put(t: TestApp, body: unknown, headers: Record<string, string> = staffAuth) {
  return t.app.request("/api/admin/settings", {
    method: "PUT",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("/api/admin/settings", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("returns the defaults before anything is set", async () => {
    const res = await t.app.request("/api/admin/settings", { headers: staffAuth });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      shopName: expect.any(String),
      deliveryFee: expect.stringMatching(/^\d+(\.\d\d)?$/),
    });
    expect(body.greetings).toHaveProperty("en");
  });

  it("updates some settings, keeps the rest, and readers see it at once", async () => {
    await getSettings(t.deps); // warm the cache: the update must invalidate it
    const res = await put(t, {
      shopName: "Green Corner",
      deliveryFee: "150.50",
      timeZone: "Europe/Kyiv",
      hours: { open: "09:00", close: "02:00" },
      greetings: { en: "Hello!", ru: "Привет!", th: "สวัสดี", uk: "Привіт!" },
      crmWebhookUrl: "https://crm.example.com/hook",
      crmWebhookSecret: "s3cret-value",
      conversationTimeoutMinutes: 45,
      followupDelayHours: 12,
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ shopName: "Green Corner", deliveryFee: "150.50", timeZone: "Europe/Kyiv" });
    expect(body.currency).toBeTruthy();
    expect((await getSettings(t.deps)).shopName).toBe("Green Corner");
    const rows = await t.deps.db.select().from(settings);
    expect(rows.find((r) => r.key === "shopName")?.updatedBy).toBe("admin");
  });

  it("refuses bad values with a 400 naming the field, and writes nothing", async () => {
    const before = await getSettings(t.deps);
    const cases: Array<[unknown, string]> = [
      [{ timeZone: "Mars/Olympus" }, "timeZone"],
      [{ deliveryFee: "12.345" }, "deliveryFee"],
      [{ deliveryFee: 100 }, "deliveryFee"],
      [{ hours: { open: "25:00", close: "10:00" } }, "hours.open"],
      [{ crmWebhookUrl: "not a url" }, "crmWebhookUrl"],
      [{ conversationTimeoutMinutes: 0 }, "conversationTimeoutMinutes"],
      [{ greetings: { xx: "hi" } }, "greetings"],
      [{ shopName: "OK", shpName: "typo" }, "shpName"],
    ];
    for (const [body, field] of cases) {
      const res = await put(t, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error.message, JSON.stringify(body)).toContain(field);
    }
    expect(await getSettings(t.deps)).toEqual(before);
  });

  it("is staff only", async () => {
    expect((await t.app.request("/api/admin/settings")).status).toBe(401);
    expect((await put(t, { shopName: "Hijack" }, {})).status).toBe(401);
    expect((await getSettings(t.deps)).shopName).not.toBe("Hijack");
  });
});
