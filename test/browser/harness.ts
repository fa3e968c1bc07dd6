/**
 * Browser test harness: the real app over a test database, served on a loopback port, driven by
 * Debian's Chromium through playwright-core. No browser is ever downloaded: when
 * /usr/bin/chromium is missing the suites skip with a message (CI installs it).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { type Browser, chromium, type Page } from "playwright-core";
import { seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { createTestApp, type TestDepsOptions } from "../helpers/app.js";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[browser tests] skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

export const SCREENSHOTS = join(process.cwd(), "screenshots");
export const STAFF_PASSWORD = "test-password-123";

/** Builds web/dist when it is missing or older than its sources (a no-op otherwise). */
export function ensureWebBuild() {
  execFileSync(process.execPath, ["scripts/ensure-web-build.mjs"], { stdio: "pipe" });
}

export async function launchBrowser(): Promise<Browser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  // launch() runs on a fresh temporary profile (user data dir) every time.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface RunningShop {
  url: string;
  port: number;
  app: Awaited<ReturnType<typeof createTestApp>>["app"];
  /** The app's dependencies, for a test that checks what reached the database. */
  deps: Awaited<ReturnType<typeof createTestApp>>["deps"];
  close(): Promise<void>;
}

/** The whole app (API + web UI) with the demo catalog, on 127.0.0.1 and a free port. */
export async function startShop(opts: TestDepsOptions = {}): Promise<RunningShop> {
  const { app, deps, close } = await createTestApp(opts);
  await seedDemoCatalogIfEmpty(deps);
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    deps,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    },
  };
}

/** Whether an API the UI depends on is mounted yet (anything but the router's 404). */
export async function routeExists(
  app: RunningShop["app"],
  path: string,
  init?: RequestInit,
): Promise<boolean> {
  const res = await app.request(path, init);
  if (res.status !== 404) return true;
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return !body?.error?.message?.startsWith("No route for");
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Collects uncaught page errors so a test can assert the UI never crashed. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}
