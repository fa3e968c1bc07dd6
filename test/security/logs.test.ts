/**
 * Secrets and phone numbers never reach the logs: the logger's redaction, and the whole app
 * logging at the most verbose level while a customer chats, orders and staff sign in.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, redactText } from "../../src/logger.js";
import { seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { createTestApp, staffAuth } from "../helpers/app.js";

function captured() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger("trace", stream), text: () => lines.join("") };
}

const PHONE = "+66 81 234 5678";
const PHONE_DIGITS = "812345678";
const BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";

describe("logs", () => {
  it("redacts phone fields, contact info, tokens and cookies in structured logs", () => {
    const c = captured();
    c.logger.info(
      {
        phone: PHONE,
        order: { contactInfo: { name: "Ann", phone: PHONE } },
        req: { headers: { authorization: "Bearer s3cret-admin-token", cookie: "sk_staff=abc" } },
        password: "hunter2hunter2",
      },
      "event",
    );
    const out = c.text();
    expect(out).toContain("[redacted]");
    expect(out).not.toContain(PHONE_DIGITS.slice(0, 6));
    expect(out).not.toContain("s3cret-admin-token");
    expect(out).not.toContain("hunter2");
    expect(out).not.toContain("sk_staff=abc");
  });

  it("scrubs phone numbers, bot tokens and bearer tokens out of free text", () => {
    const s = redactText(
      `call me at ${PHONE} or 0812345678; url /bot${BOT_TOKEN}/sendMessage; Bearer abc.def`,
    );
    expect(s).not.toMatch(/8123|0812/);
    expect(s).not.toContain(BOT_TOKEN);
    expect(s).not.toContain("abc.def");
  });

  describe("the app at trace level", () => {
    const c = captured();
    let t: Awaited<ReturnType<typeof createTestApp>>;
    beforeAll(async () => {
      t = await createTestApp({ logger: c.logger });
      await seedDemoCatalogIfEmpty(t.deps);
    });
    afterAll(async () => {
      await t.close();
    });

    it("never writes the customer's phone or the staff secrets while they use it", async () => {
      const chat = await t.app.request("/api/agent/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: `My phone is ${PHONE}, I want 20g of Purple Haze`, stream: false }),
      });
      expect(chat.status).toBe(200);
      const cookie = chat.headers.get("set-cookie")?.split(";")[0] ?? "";
      const catalog = (await (await t.app.request("/api/catalog?q=purple")).json()) as {
        items: Array<{ id: string }>;
      };
      const order = await t.app.request("/api/orders", {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({
          items: [{ productId: catalog.items[0]?.id, quantity: 20 }],
          contactInfo: { name: "Ann", phone: PHONE },
          deliveryAddress: "Hotel ABC",
          paymentMethod: "cash",
        }),
      });
      expect(order.status).toBe(201);
      const login = await t.app.request("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password: "test-password-123" }),
      });
      expect(login.status).toBe(200);
      expect((await t.app.request("/api/orders", { headers: staffAuth })).status).toBe(200);
      // Something was logged (the test would be empty otherwise), and none of it is secret.
      expect(c.lines.length).toBeGreaterThan(0);
      const out = c.text();
      expect(out).not.toContain(PHONE_DIGITS.slice(0, 6));
      expect(out).not.toContain("test-password-123");
      expect(out).not.toContain("test-admin-token-0123456789");
    });
  });
});
