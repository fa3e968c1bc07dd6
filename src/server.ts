/**
 * Builds the dependencies from the config and starts the HTTP server. The only place that wires
 * concrete implementations together; tests build theirs in test/helpers/app.ts.
 */
import { serve } from "@hono/node-server";
import { ensureSemanticIndex } from "./agent/semantic-cache.js";
import { runTurn } from "./agent/turn.js";
import { createApp } from "./app.js";
import { createCache } from "./cache/index.js";
import { runWarmup } from "./cache/warmup.js";
import { systemClock } from "./clock.js";
import type { Config } from "./config.js";
import { openDatabase } from "./db/client.js";
import { runMigrations } from "./db/migrate.js";
import type { Deps } from "./deps.js";
import { startBackground } from "./jobs/background.js";
import { createLogger, type Logger } from "./logger.js";
import "./services/cache-warmup.js";
import { seedDemoCatalogIfEmpty } from "./services/catalog/index.js";
import { importMenuSourceIfEmpty } from "./services/menu-import.js";
import { getOrCreateSecret } from "./services/secrets.js";
import { ensureOwner } from "./services/staff-auth.js";

export async function buildDeps(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<Deps> {
  const database = await openDatabase({ url: config.database.url, dataDir: config.dataDir });
  await runMigrations(database);
  await ensureSemanticIndex(database);
  const cookieSecret = config.cookieSecret ?? (await getOrCreateSecret(database.db, "cookie_secret"));
  await ensureOwner(database.db, config);
  const cache = await createCache(config, logger);
  return {
    config,
    logger,
    database,
    db: database.db,
    cache,
    clock: systemClock,
    cookieSecret,
    healthChecks: [],
  };
}

export async function closeDeps(deps: Deps): Promise<void> {
  await deps.cache.close().catch(() => {});
  await deps.database.close().catch(() => {});
}

export async function startServer(config: Config) {
  const logger = createLogger(config.logLevel);
  const deps = await buildDeps(config, logger);
  if (!config.menuSource && (await seedDemoCatalogIfEmpty(deps))) logger.info("demo catalog loaded");
  const fromSource = await importMenuSourceIfEmpty(deps);
  if (fromSource > 0) logger.info({ items: fromSource }, "menu imported from MENU_SOURCE");
  const background = await startBackground(deps, { runTurn });
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.http.port, hostname: config.http.host });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.http.port;
  const base = `http://localhost:${port}`;
  logger.info({ port }, "Shopkeeper is running");
  // Warm the critical caches in the background: the server answers (from the database) meanwhile.
  void runWarmup(deps, "all").then((r) => logger.info({ warmed: r.map((w) => w.name) }, "cache warmed"));
  process.stdout.write(
    `\n  Shopkeeper is running\n  Shop (chat widget): ${base}/\n  Admin dashboard:    ${base}/admin\n  API reference:      ${base}/api/docs\n\n`,
  );
  const shutdown = async () => {
    server.close();
    await background.stop();
    await closeDeps(deps);
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  return { server, deps, port };
}
