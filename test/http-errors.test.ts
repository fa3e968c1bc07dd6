/** Bad input gets a 4xx JSON error naming the problem, never a 500 (issue 2, "Done when"). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

  it("a wrong content type on a JSON route is a 4xx, not a 500", async () => {
    const res = await t.app.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "password=x",
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await res.json()).error.code).toBeTruthy();
  });
});
