import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CacheKeys } from "../src/cache/keys.js";
import { settings } from "../src/db/schema.js";
import {
  DEFAULT_SETTINGS,
  getSettings,
  type ShopSettings,
  shopSettingsSchema,
} from "../src/services/settings.js";
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

  it("null removes a nullable setting (it reads back unset) and invalidates the cache", async () => {
    const keys = Object.keys(shopSettingsSchema.shape) as Array<keyof ShopSettings>;
    const nullable = keys.filter((k) => shopSettingsSchema.shape[k].safeParse(null).success);
    expect(nullable.sort()).toEqual(["crmWebhookSecret", "crmWebhookUrl"]);
    const values: Partial<ShopSettings> = {
      crmWebhookUrl: "https://crm.example.com/hook",
      crmWebhookSecret: "s3cret-value",
    };
    for (const key of nullable) {
      const set = await put(t, { [key]: values[key] });
      expect(set.status, key).toBe(200);
      expect((await getSettings(t.deps))[key], key).toBe(values[key]); // also warms the cache
      const cleared = await put(t, { [key]: null });
      expect(cleared.status, `${key}: ${JSON.stringify(await cleared.clone().json())}`).toBe(200);
      expect((await cleared.json())[key], key).toBe(DEFAULT_SETTINGS[key]);
      expect((await getSettings(t.deps))[key], key).toBe(DEFAULT_SETTINGS[key]);
      const read = await t.app.request("/api/admin/settings", { headers: staffAuth });
      expect((await read.json())[key], key).toBe(DEFAULT_SETTINGS[key]);
      expect(await t.deps.db.select().from(settings).where(eq(settings.key, key)), key).toEqual([]);
      // Removing what is not set is fine too.
      expect((await put(t, { [key]: null })).status, key).toBe(200);
    }
    // Both at once, next to another change.
    expect((await put(t, values)).status).toBe(200);
    const both = await put(t, { crmWebhookUrl: null, crmWebhookSecret: null, shopName: "Both Gone" });
    expect(both.status).toBe(200);
    expect(await getSettings(t.deps)).toMatchObject({
      crmWebhookUrl: null,
      crmWebhookSecret: null,
      shopName: "Both Gone",
    });
  });

  it("a null next to an invalid value writes nothing; null for a required setting is a 400", async () => {
    expect((await put(t, { crmWebhookUrl: "https://crm.example.com/hook" })).status).toBe(200);
    const before = await getSettings(t.deps);
    const rowsBefore = await t.deps.db.select().from(settings);
    const mixed = await put(t, { crmWebhookUrl: null, deliveryFee: "12.345" });
    expect(mixed.status).toBe(400);
    expect((await mixed.json()).error.message).toContain("deliveryFee");
    const keys = Object.keys(shopSettingsSchema.shape) as Array<keyof ShopSettings>;
    for (const key of keys.filter((k) => !shopSettingsSchema.shape[k].safeParse(null).success)) {
      const res = await put(t, { [key]: null });
      expect(res.status, key).toBe(400);
      expect((await res.json()).error.message, key).toContain(key);
    }
    expect(await getSettings(t.deps)).toEqual(before);
    expect(await t.deps.db.select().from(settings)).toEqual(rowsBefore);
  });

  it("crmWebhookUrl must be an http:// or https:// URL", async () => {
    for (const url of [
      "javascript:alert(1)",
      "ftp://crm.example.com/hook",
      "file:///etc/passwd",
      "data:text/plain,hi",
      "mailto:crm@example.com",
      "http:crm.example.com",
      "ws://crm.example.com/hook",
    ]) {
      const res = await put(t, { crmWebhookUrl: url });
      expect(res.status, url).toBe(400);
      const err = (await res.json()).error;
      expect(err.message, url).toMatch(/^crmWebhookUrl: /);
      expect(err.details[0].field, url).toBe("crmWebhookUrl");
    }
    expect((await getSettings(t.deps)).crmWebhookUrl).toBe("https://crm.example.com/hook");
    for (const url of ["http://127.0.0.1:8080/hook", "HTTPS://crm.example.com/hook?x=1"]) {
      const res = await put(t, { crmWebhookUrl: url });
      expect(res.status, url).toBe(200);
      expect((await getSettings(t.deps)).crmWebhookUrl, url).toBe(url);
    }
  });

  it("a stored value the schema no longer accepts falls back to its own default only", async () => {
    expect((await put(t, { shopName: "Kept Name", crmWebhookUrl: null })).status).toBe(200);
    await t.deps.db.insert(settings).values({ key: "crmWebhookUrl", value: "ftp://legacy.example.com/hook" });
    await t.deps.cache.delete(CacheKeys.dynamicSettings());
    const s = await getSettings(t.deps);
    expect(s.crmWebhookUrl).toBeNull();
    expect(s.shopName).toBe("Kept Name");
    // An update still works (and replaces the bad row).
    expect((await put(t, { crmWebhookUrl: "https://crm.example.com/new" })).status).toBe(200);
    expect(await getSettings(t.deps)).toMatchObject({
      shopName: "Kept Name",
      crmWebhookUrl: "https://crm.example.com/new",
    });
  });

  it("an empty update is a 200 that changes and invalidates nothing", async () => {
    const before = await getSettings(t.deps);
    const rowsBefore = await t.deps.db.select().from(settings);
    const del = vi.spyOn(t.deps.cache, "delete");
    try {
      const res = await put(t, {});
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(before);
      expect(del).not.toHaveBeenCalled();
    } finally {
      del.mockRestore();
    }
    expect(await t.deps.db.select().from(settings)).toEqual(rowsBefore);
  });

  it("is staff only", async () => {
    expect((await t.app.request("/api/admin/settings")).status).toBe(401);
    expect((await put(t, { shopName: "Hijack" }, {})).status).toBe(401);
    expect((await getSettings(t.deps)).shopName).not.toBe("Hijack");
  });
});
