/** Bad input gets a 4xx JSON error naming the problem, never a 500 (issue 2, "Done when"). */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { zodToAppError } from "../src/errors.js";
import { createErrorHandler } from "../src/http/errors.js";
import { createLogger } from "../src/logger.js";
import { createTestApp, staffAuth } from "./helpers/app.js";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

async function expectJsonError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  const body = await res.json();
  expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
  return body.error as { code: string; message: string };
}

function post(t: TestApp, path: string, body: string, headers: Record<string, string> = {}) {
  return t.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

describe("HTTP error paths", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("malformed JSON → 400", async () => {
    for (const body of ['{"password": ', "not json", "{'a':1}"]) {
      await expectJsonError(await post(t, "/api/auth/login", body), 400, "INVALID_JSON");
    }
  });

  it("a wrong type → 400 naming the field", async () => {
    const err = await expectJsonError(
      await post(t, "/api/auth/login", '{"password": 123}'),
      400,
      "VALIDATION_FAILED",
    );
    expect(err.message).toContain("password");
    const settings = await t.app.request("/api/admin/settings", {
      method: "PUT",
      headers: { "content-type": "application/json", ...staffAuth },
      body: JSON.stringify({ conversationTimeoutMinutes: "thirty" }),
    });
    expect((await expectJsonError(settings, 400, "VALIDATION_FAILED")).message).toContain(
      "conversationTimeoutMinutes",
    );
  });

  it("a JSON body that is not an object → 400", async () => {
    for (const body of ["[]", "null", '"text"', "42"]) {
      const res = await post(t, "/api/auth/login", body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBeTruthy();
    }
  });

  it("a body over 64 KB → 413, even for a valid shape", async () => {
    const big = JSON.stringify({ password: "x".repeat(70 * 1024) });
    await expectJsonError(await post(t, "/api/auth/login", big), 413, "PAYLOAD_TOO_LARGE");
    const csv = JSON.stringify({ csv: `Name,Category,Price\n${"a,b,1\n".repeat(12_000)}` });
    await expectJsonError(
      await post(t, "/api/admin/catalog/import", csv, staffAuth),
      413,
      "PAYLOAD_TOO_LARGE",
    );
  });

  it("an unknown route → 404 JSON", async () => {
    await expectJsonError(await t.app.request("/api/definitely/not/here"), 404, "NOT_FOUND");
    await expectJsonError(await post(t, "/api/nothing", "{}"), 404, "NOT_FOUND");
  });

  it("a wrong content type on a JSON route → 415 UNSUPPORTED_MEDIA_TYPE saying to send application/json", async () => {
    const res = await t.app.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "password=x",
    });
    const err = await expectJsonError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(err.message).toContain("text/plain");
    expect(err.message).toContain("application/json");
    // A form body on a staff JSON route, and a body with no content type at all.
    const form = await t.app.request("/api/admin/catalog/import", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...staffAuth },
      body: "csv=a",
    });
    expect((await expectJsonError(form, 415, "UNSUPPORTED_MEDIA_TYPE")).message).toContain(
      "application/json",
    );
    const bare = await t.app.request("/api/auth/login", {
      method: "POST",
      body: new Blob(['{"password":"x"}']),
    });
    expect((await expectJsonError(bare, 415, "UNSUPPORTED_MEDIA_TYPE")).message).toContain(
      "application/json",
    );
  });

  it("an unknown key of a strict body → 400 naming the key itself as the field", async () => {
    const res = await t.app.request("/api/admin/settings", {
      method: "PUT",
      headers: { "content-type": "application/json", ...staffAuth },
      body: JSON.stringify({ shopName: "Corner", foo: 1 }),
    });
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
    expect(res.status).toBe(400);
    expect(body).toEqual({
      error: {
        code: "VALIDATION_FAILED",
        message: "foo: unknown field",
        details: [{ field: "foo", message: "unknown field" }],
      },
    });
  });

  it("POST /api/admin/catalog/import without csv or url (or with both) → 400 naming both fields", async () => {
    for (const [payload, want] of [
      [{}, /exactly one of csv .* or url .* is required/],
      [{ file: "x" }, /exactly one of csv .* or url .* is required/],
      [{ csv: "Name\nx", url: "https://example.com/menu.csv" }, /not both/],
    ] as const) {
      const res = await post(t, "/api/admin/catalog/import", JSON.stringify(payload), staffAuth);
      const err = (await expectJsonError(res, 400, "VALIDATION_FAILED")) as {
        message: string;
        details?: Array<{ field: string; message: string }>;
      };
      expect(err.message, JSON.stringify(payload)).toMatch(want);
      expect(err.message.startsWith("csv: ")).toBe(true);
      expect(err.details?.map((d) => d.field)).toEqual(["csv", "url"]);
    }
  });
});

describe("zodToAppError", () => {
  it("names each unknown key as its own field, under its parent's path", () => {
    const schema = z
      .object({ address: z.object({ street: z.string() }).strict(), name: z.string() })
      .strict();
    const r = schema.safeParse({ address: { street: "Main", zip: 1, city: "X" }, name: "A", foo: true });
    expect(r.success).toBe(false);
    const err = zodToAppError(r.error!, "json");
    expect(err.code).toBe("VALIDATION_FAILED");
    expect(err.message).toBe("address.zip: unknown field");
    expect(err.details).toEqual([
      { field: "address.zip", message: "unknown field" },
      { field: "address.city", message: "unknown field" },
      { field: "foo", message: "unknown field" },
    ]);
  });

  it("everything else is as before: the first issue's path (or where) and message, one detail each", () => {
    const r = z.object({ a: z.string(), b: z.number() }).safeParse({ a: 1, b: "x" });
    const err = zodToAppError(r.error!, "query");
    expect(err.message).toBe("a: Invalid input: expected string, received number");
    expect(err.details).toEqual([
      { field: "a", message: "Invalid input: expected string, received number" },
      { field: "b", message: "Invalid input: expected number, received string" },
    ]);
    const top = zodToAppError(z.object({}).safeParse(null).error!, "json");
    expect(top.message).toMatch(/^json: /);
    expect(top.details).toEqual([{ field: "json", message: expect.any(String) }]);
  });
});

describe("HTTPException statuses", () => {
  const app = new Hono();
  app.onError(createErrorHandler(createLogger("silent")));
  app.all("/throw/:status", (c) => {
    throw new HTTPException(Number(c.req.param("status")) as 400);
  });

  it("each status answers its own code, never a generic BAD_REQUEST for a known one", async () => {
    for (const [status, code] of [
      [400, "BAD_REQUEST"],
      [401, "UNAUTHORIZED"],
      [403, "FORBIDDEN"],
      [404, "NOT_FOUND"],
      [405, "METHOD_NOT_ALLOWED"],
      [409, "CONFLICT"],
      [413, "PAYLOAD_TOO_LARGE"],
      [415, "UNSUPPORTED_MEDIA_TYPE"],
      [422, "UNPROCESSABLE"],
      [429, "RATE_LIMITED"],
      [418, "BAD_REQUEST"],
      [500, "INTERNAL"],
      [503, "UNAVAILABLE"],
    ] as const) {
      const res = await app.request(`/throw/${status}`, { method: "DELETE" });
      expect(res.status, String(status)).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, String(status)).toBe(code);
    }
    const res = await app.request("/throw/405", { method: "DELETE" });
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      "DELETE is not allowed on /throw/405",
    );
  });
});
