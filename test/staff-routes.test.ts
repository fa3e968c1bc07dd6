/**
 * Every staff route refuses an anonymous caller. Walks the OpenAPI document, so routes added
 * later are covered without touching this file: every path under /api/admin, every operation
 * that declares a security requirement, and a list of staff-only paths outside /api/admin.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, staffAuth } from "./helpers/app.js";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type Operation = { security?: unknown[] };
type OpenApiDoc = { paths: Record<string, Record<string, Operation>> };

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** Staff-only routes that live outside /api/admin (SPEC §3). Skipped only while not built yet. */
const OTHER_STAFF_ROUTES: Array<[method: string, path: string]> = [
  ["GET", "/api/cache"],
  ["POST", "/api/cache"],
  ["GET", "/api/analytics"],
  ["PATCH", "/api/orders"],
];

function concretePath(path: string): string {
  // Path parameters get a well-formed but unknown id: auth must be checked before any lookup.
  return path.replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000");
}

function call(t: TestApp, method: string, path: string, headers: Record<string, string> = {}) {
  const hasBody = !["GET", "DELETE"].includes(method);
  return t.app.request(path, {
    method,
    headers: hasBody ? { "content-type": "application/json", ...headers } : headers,
    body: hasBody ? "{}" : undefined,
  });
}

async function isMissingRoute(res: Response): Promise<boolean> {
  if (res.status !== 404) return false;
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  return body.error?.message?.startsWith("No route for") ?? false;
}

describe("staff routes refuse anonymous callers", () => {
  let t: TestApp;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await (await t.app.request("/api/openapi.json")).json()) as OpenApiDoc;
  });
  afterAll(async () => {
    await t.close();
  });

  function documentedStaffOperations(): Array<[string, string]> {
    const ops: Array<[string, string]> = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        if (path.startsWith("/api/admin") || (op.security?.length ?? 0) > 0)
          ops.push([method.toUpperCase(), path]);
      }
    }
    return ops;
  }

  it("documents the admin API (so the walk below is not vacuous)", () => {
    const paths = documentedStaffOperations().map(([m, p]) => `${m} ${p}`);
    expect(paths).toContain("GET /api/admin/settings");
    expect(paths).toContain("POST /api/admin/catalog/import");
  });

  it("declares the staff security schemes", () => {
    const schemes = (doc as unknown as { components?: { securitySchemes?: Record<string, unknown> } })
      .components?.securitySchemes;
    expect(schemes).toHaveProperty("staffCookie");
    expect(schemes).toHaveProperty("bearerToken");
  });

  it("answers 401 JSON to every documented staff operation without auth", async () => {
    const failures: string[] = [];
    for (const [method, path] of documentedStaffOperations()) {
      const res = await call(t, method, concretePath(path));
      const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      if (res.status !== 401 || body?.error?.code !== "UNAUTHORIZED")
        failures.push(`${method} ${path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers 401 to a wrong bearer token and a forged session cookie", async () => {
    for (const [method, path] of documentedStaffOperations()) {
      const wrongToken = await call(t, method, concretePath(path), {
        authorization: "Bearer not-the-admin-token-123",
      });
      expect(wrongToken.status, `${method} ${path}`).toBe(401);
      const forged = await call(t, method, concretePath(path), { cookie: "sk_staff=forged" });
      expect(forged.status, `${method} ${path}`).toBe(401);
    }
  });

  it("answers 401 to any path under /api/admin, even one that does not exist", async () => {
    for (const method of METHODS) {
      const res = await call(t, method.toUpperCase(), "/api/admin/not-a-real-area/123");
      expect(res.status).toBe(401);
    }
  });

  it("protects the staff-only routes outside /api/admin", async () => {
    for (const [method, path] of OTHER_STAFF_ROUTES) {
      // With staff auth a missing route answers our "No route" 404: that one is not built yet.
      if (await isMissingRoute(await call(t, method, path, staffAuth))) continue;
      const res = await call(t, method, path);
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it("lets staff through with the bearer token", async () => {
    const res = await t.app.request("/api/admin/settings", { headers: staffAuth });
    expect(res.status).toBe(200);
  });
});
