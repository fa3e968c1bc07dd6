/**
 * Serves the built web faces from web/dist (see scripts/build-web.mjs): the demo shop at `/`,
 * the admin dashboard at `/admin` (an SPA: every /admin/* path gets its index.html), the
 * embeddable `/widget.js` and the hashed `/assets/*`. Mounted after the API routes and never
 * matching /api/*, so unknown API paths keep their JSON 404. When web/dist is missing (unit
 * tests, a clone that skipped the build) the pages answer with a short "not built" page.
 */
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context } from "hono";
import { Hono } from "hono";

export const DEFAULT_DIST_DIR = fileURLToPath(new URL("../../../web/dist", import.meta.url));

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/** Hashed build assets never change; pages and the widget loader must pick up new builds. */
const CACHE = {
  immutable: "public, max-age=31536000, immutable",
  page: "no-cache",
  widget: "public, max-age=300, stale-while-revalidate=86400",
  file: "public, max-age=3600",
};

/** The dashboard runs only its own bundled code: no inline script, no third-party origin. */
const ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export interface WebRoutesOptions {
  /** Folder holding the built UI. @default web/dist beside the project root */
  distDir?: string;
}

export function webRoutes(opts: WebRoutesOptions = {}) {
  const distDir = normalize(opts.distDir ?? DEFAULT_DIST_DIR);
  const app = new Hono();

  async function sendFile(
    c: Context,
    relative: string,
    cacheControl: string,
    extra: Record<string, string> = {},
    root = distDir,
  ) {
    const path = normalize(join(root, relative));
    // Never serve outside the folder the route is for, whatever the URL says (../, %2e%2e, %2f).
    if (!path.startsWith(root + sep)) return null;
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    const body = await readFile(path);
    return c.body(body, 200, {
      "content-type": MIME[extname(path)] ?? "application/octet-stream",
      "cache-control": cacheControl,
      "x-content-type-options": "nosniff",
      ...extra,
    });
  }

  const page = (file: string, extra: Record<string, string> = {}) =>
    async function servePage(c: Context) {
      const res = await sendFile(c, file, CACHE.page, { "referrer-policy": "same-origin", ...extra });
      return res ?? c.html(notBuiltPage(), 200, { "cache-control": "no-store" });
    };

  const adminHeaders = { "content-security-policy": ADMIN_CSP, "x-frame-options": "DENY" };
  app.get("/", page("index.html"));
  app.get("/index.html", page("index.html"));
  app.get("/admin", page("admin/index.html", adminHeaders));
  app.get("/admin/*", page("admin/index.html", adminHeaders));

  app.get("/widget.js", async (c) => {
    const res = await sendFile(c, "widget.js", CACHE.widget, {
      "cross-origin-resource-policy": "cross-origin",
    });
    if (res) return res;
    return c.body("console.warn('Shopkeeper: the web UI is not built; run npm run build:web');", 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "no-store",
    });
  });

  app.get("/assets/*", async (c) => {
    const relative = decodeURIComponent(c.req.path.slice("/assets/".length));
    const res = await sendFile(c, relative, CACHE.immutable, {}, join(distDir, "assets"));
    return res ?? c.text("Not found", 404);
  });

  app.get("/favicon.svg", async (c) => (await sendFile(c, "favicon.svg", CACHE.file)) ?? c.body(null, 404));

  return app;
}

function notBuiltPage() {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Shopkeeper</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1.5rem;color:#1c1f1d}code{background:#f1f0ec;padding:.1em .35em;border-radius:4px}</style></head>
<body><h1>Shopkeeper is running</h1><p>The web interface hasn't been built yet. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when needed) and reload.</p>
<p>The HTTP API is available: <a href="/api/health">/api/health</a>, <a href="/api/docs">/api/docs</a>.</p></body></html>`;
}
