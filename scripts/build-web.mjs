#!/usr/bin/env node
/**
 * Builds the web faces into web/dist in one process:
 *   - pages: the demo shop (/) and the admin dashboard (/admin), code-split ES modules;
 *   - widget.js: the embeddable chat widget as one classic script (IIFE) with its CSS inlined,
 *     because a third-party page loads it with a plain <script src=… defer> tag.
 * Writes web/dist/.build-stamp last, so a half-finished build is never taken as fresh.
 */
import { rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const webDir = join(dirname(fileURLToPath(import.meta.url)), "..", "web");
export const distDir = join(webDir, "dist");
export const stampFile = join(distDir, ".build-stamp");

export async function buildWeb({ quiet = false } = {}) {
  // A caller's NODE_ENV (vitest sets "test") must not turn on React's development JSX runtime.
  process.env.NODE_ENV = "production";
  const [{ build }, { default: react }, { default: tailwindcss }] = await Promise.all([
    import("vite"),
    import("@vitejs/plugin-react"),
    import("@tailwindcss/vite"),
  ]);
  const t0 = performance.now();
  await rm(distDir, { recursive: true, force: true });
  const common = {
    configFile: false,
    mode: "production",
    root: webDir,
    logLevel: quiet ? "warn" : "info",
    plugins: [react(), tailwindcss()],
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
  };
  await Promise.all([
    build({
      ...common,
      base: "/",
      build: {
        outDir: distDir,
        emptyOutDir: false,
        rollupOptions: {
          input: { shop: join(webDir, "index.html"), admin: join(webDir, "admin/index.html") },
        },
      },
    }),
    build({
      ...common,
      build: {
        outDir: distDir,
        emptyOutDir: false,
        copyPublicDir: false,
        minify: true,
        lib: {
          entry: join(webDir, "widget/main.tsx"),
          formats: ["iife"],
          name: "ShopkeeperWidget",
          fileName: () => "widget.js",
        },
      },
    }),
  ]);
  await writeFile(stampFile, `${new Date().toISOString()}\n`);
  if (!quiet) process.stdout.write(`Web UI built in ${Math.round(performance.now() - t0)} ms → web/dist\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWeb().catch((err) => {
    process.stderr.write(`Web build failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
