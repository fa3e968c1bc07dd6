/**
 * Unexpected errors are logged with their cause, but never with the customer data of the failed
 * query (drizzle puts every parameter in the error's message, stack and `params`), and a bad id
 * from staff is a 400 naming the field, not a 500 with SQL in the logs.
 */
import { Writable } from "node:stream";
import { DrizzleQueryError } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { createTestApp, staffAuth } from "../helpers/app.js";
import { demoCart } from "../orders/support.js";

const PHONE = "+66 81 234 5678";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger("info", stream), text: () => lines.join("") };
}

describe("error logs", () => {
  it("a failed query is logged with its SQL and cause, without its parameters", () => {
    const c = capture();
    const cause = new Error('insert or update on table "orders" violates foreign key constraint');
    const err = new DrizzleQueryError(
      'insert into "orders" ("contact_info", "delivery_address") values ($1, $2)',
      [JSON.stringify({ name: "Zed Secretname", phone: PHONE }), "Room 4242, Hidden Hotel"],
      cause,
    );
    c.logger.error({ err, cause: err.cause, path: "/api/orders" }, "unhandled error");
    const out = c.text();
    expect(out).toContain('insert into \\"orders\\"');
    expect(out).toContain("violates foreign key constraint");
    expect(out).not.toContain("234 5678");
    expect(out).not.toContain("Hidden Hotel");
    expect(out).not.toContain("Secretname");
  });

  it("an error's message logged as text loses its parameters and phone numbers too", () => {
    const c = capture();
    const err = new DrizzleQueryError(
      'update "conversations" set "summary" = $1 where "id" = $2',
      ["Customer Zed Secretname asked for delivery to Room 4242,\nHidden Hotel, call +66 81 234 5678", "c-1"],
      new Error("connection terminated"),
    );
    c.logger.warn({ err: err.message }, "conversation summary not saved");
    c.logger.warn({ error: err.message }, "job failed for good");
    c.logger.warn({ err: `fetch failed for ${PHONE}` }, "follow-up not sent");
    const out = c.text();
    expect(out).toContain('update \\"conversations\\" set');
    expect(out).toContain("params: [redacted]");
    expect(out).not.toContain("Secretname");
    expect(out).not.toContain("Hidden Hotel");
    expect(out).not.toContain("234 5678");
  });

  describe("staff ordering for a customer who does not exist", () => {
    const c = capture();
    let t: Awaited<ReturnType<typeof createTestApp>>;
    beforeAll(async () => {
      t = await createTestApp({ logger: c.logger });
    });
    afterAll(async () => {
      await t.close();
    });

    it("is a 400 naming userProfileId, with nothing written and nothing logged as an error", async () => {
      const { items } = await demoCart(t.deps);
      const res = await t.app.request("/api/orders", {
        method: "POST",
        headers: { ...staffAuth, "content-type": "application/json" },
        body: JSON.stringify({
          userProfileId: "00000000-0000-4000-8000-000000000000",
          items,
          contactInfo: { name: "Zed", phone: PHONE },
          deliveryAddress: "Room 4242, Hidden Hotel",
          paymentMethod: "cash",
        }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(body.error.message).toContain("userProfileId");
      expect(c.text()).not.toMatch(/Failed query|"level":"error"/);
      const list = (await (await t.app.request("/api/orders", { headers: staffAuth })).json()) as unknown[];
      expect(list).toHaveLength(0);
    });
  });
});
