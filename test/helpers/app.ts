/**
 * createTestApp(): the real app over a real test database and an in-memory cache (or the real
 * Redis when REDIS_URL is set), with a quiet logger. Pass overrides for anything else.
 */
import { createApp } from "../../src/app.js";
import { createCache } from "../../src/cache/index.js";
import { type Clock, systemClock } from "../../src/clock.js";
import { type Config, loadConfig } from "../../src/config.js";
import type { Deps } from "../../src/deps.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { ensureOwner } from "../../src/services/staff-auth.js";
import { createTestDb } from "./db.js";

export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    LOG_LEVEL: "silent",
    ADMIN_PASSWORD: "test-password-123",
    ADMIN_TOKEN: "test-admin-token-0123456789",
    COOKIE_SECRET: "test-cookie-secret-0123456789abcdef0123",
    REDIS_URL: process.env.REDIS_URL,
    // Files run in parallel over one Redis: each test app gets a namespace of its own.
    REDIS_KEY_PREFIX: `sk_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}:`,
    ...env,
  });
}

/** Headers that authenticate a request as staff (the test ADMIN_TOKEN). */
export const staffAuth = { authorization: "Bearer test-admin-token-0123456789" } as const;

export interface TestDepsOptions {
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** A logger to inspect (default: silent). */
  logger?: Logger;
}

export async function createTestDeps(opts: TestDepsOptions = {}): Promise<Deps & { close(): Promise<void> }> {
  const config = testConfig(opts.env);
  const logger = opts.logger ?? createLogger("silent");
  const database = await createTestDb();
  // A generated one-time password (when a test unsets ADMIN_PASSWORD) is not printed.
  await ensureOwner(database.db, config, () => {});
  const cache = await createCache(config, logger);
  const deps: Deps = {
    config,
    logger,
    database,
    db: database.db,
    cache,
    clock: opts.clock ?? systemClock,
    cookieSecret: config.cookieSecret ?? "x".repeat(32),
    healthChecks: [],
  };
  return {
    ...deps,
    async close() {
      await cache.clear().catch(() => {});
      await cache.close().catch(() => {});
      await database.close();
    },
  };
}

export async function createTestApp(opts: TestDepsOptions = {}) {
  const deps = await createTestDeps(opts);
  const app = createApp(deps);
  return { app, deps, close: deps.close };
}
