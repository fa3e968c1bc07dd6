import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "./helpers/app.js";

describe("foundation", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("reports health with the database up", async () => {
    const res = await t.app.request("/api/health");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.components.database.status).toBe("up");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("answers an unknown route with a JSON 404", async () => {
    const res = await t.app.request("/api/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("serves the OpenAPI document", async () => {
    const res = await t.app.request("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.paths["/api/health"]).toBeDefined();
  });
});
