import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "./helpers/app.js";

describe("API reference", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("serves an interactive reference whose assets all come from this server", async () => {
    const res = await t.app.request("/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const url of assets) {
      expect(url.startsWith("/api/docs/"), url).toBe(true);
      const asset = await t.app.request(url);
      expect(asset.status, url).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
    }
    const init = await (await t.app.request("/api/docs/init.js")).text();
    expect(init).toContain('"/api/openapi.json"');
  });

  it("serves only the reference's own files", async () => {
    for (const path of [
      "/api/docs/package.json",
      "/api/docs/..%2F..%2Fpackage.json",
      "/api/docs/index.html",
    ]) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(404);
      expect((await res.json()).error.code).toBe("NOT_FOUND");
    }
  });

  it("documents every route it serves, with request schemas", async () => {
    const doc = await (await t.app.request("/api/openapi.json")).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/auth/login", "/api/auth/logout", "/api/auth/me", "/api/catalog"]),
    );
    expect(doc.paths["/api/auth/me"].get.security).toEqual([{ staffCookie: [] }, { bearerToken: [] }]);
    expect(doc.paths["/api/catalog"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["category", "type", "effect", "q", "inStock"]),
    );
  });
});
