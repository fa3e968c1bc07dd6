import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../../../test/helpers/app.js";
import { widgetCors } from "./cors.js";
import { webRoutes } from "./route.js";

let dist: string;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), "sk-dist-"));
  await mkdir(join(dist, "admin"));
  await mkdir(join(dist, "assets"));
  await writeFile(join(dist, "index.html"), "<!doctype html><title>shop</title>");
  await writeFile(join(dist, "admin/index.html"), "<!doctype html><title>admin</title>");
  await writeFile(join(dist, "widget.js"), "console.log('widget')");
  await writeFile(join(dist, "assets/app-abc123.js"), "export {}");
  await writeFile(join(dist, "secret.txt"), "not an asset");
});

afterAll(async () => {
  await rm(dist, { recursive: true, force: true });
});

describe("web routes (built UI)", () => {
  it("serves the shop page at / without long caching", async () => {
    const res = await webRoutes({ distDir: dist }).request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.text()).toContain("<title>shop</title>");
  });

  it("answers every /admin path with the dashboard, framed by nobody", async () => {
    const app = webRoutes({ distDir: dist });
    for (const path of ["/admin", "/admin/orders", "/admin/customers/123"]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("<title>admin</title>");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("serves hashed assets as immutable and the widget loader with a short cache", async () => {
    const app = webRoutes({ distDir: dist });
    const asset = await app.request("/assets/app-abc123.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("text/javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    const widget = await app.request("/widget.js");
    expect(widget.status).toBe(200);
    expect(widget.headers.get("cache-control")).toContain("max-age=300");
    expect(await widget.text()).toContain("widget");
  });

  it("never serves files outside the assets folder", async () => {
    const app = webRoutes({ distDir: dist });
    expect((await app.request("/assets/missing.js")).status).toBe(404);
    expect((await app.request("/assets/..%2fsecret.txt")).status).toBe(404);
    expect((await app.request("/assets/%2e%2e/%2e%2e/package.json")).status).toBe(404);
    expect((await app.request("/secret.txt")).status).toBe(404);
  });

  it("explains instead of crashing when the UI is not built", async () => {
    const app = webRoutes({ distDir: join(dist, "does-not-exist") });
    const page = await app.request("/admin/orders");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("npm run build:web");
    const widget = await app.request("/widget.js");
    expect(widget.headers.get("content-type")).toContain("javascript");
  });
});

describe("web routes inside the app", () => {
  it("leaves unknown /api paths to the JSON 404", async () => {
    const { app, close } = await createTestApp();
    try {
      const res = await app.request("/api/definitely-not-a-route");
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
    } finally {
      await close();
    }
  });
});

describe("widget CORS", () => {
  const app = (origins: string[]) => {
    const router = webRoutes({ distDir: dist });
    router.use("/api/*", widgetCors(origins));
    router.get("/api/catalog", (c) => c.json({ items: [] }));
    router.get("/api/admin/settings", (c) => c.json({}));
    return router;
  };

  it("lets a listed origin call the customer API with cookies", async () => {
    const res = await app(["https://blog.example"]).request("/api/catalog", {
      headers: { origin: "https://blog.example" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://blog.example");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    const preflight = await app(["https://blog.example"]).request("/api/catalog", {
      method: "OPTIONS",
      headers: { origin: "https://blog.example", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
  });

  it("gives no CORS to an unlisted origin or to staff routes", async () => {
    const other = await app(["https://blog.example"]).request("/api/catalog", {
      headers: { origin: "https://evil.example" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const staff = await app(["*"]).request("/api/admin/settings", {
      headers: { origin: "https://blog.example" },
    });
    expect(staff.headers.get("access-control-allow-origin")).toBeNull();
  });
});
