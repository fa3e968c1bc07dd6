#!/usr/bin/env node
/** The shopkeeper CLI: start, migrate, import-menu, warmup-cache, staff, chat, bench. */
// First: zod's configuration must be in place before any schema is built.
import "../zod-config.js";
import { existsSync } from "node:fs";
import { ConfigError, loadConfig } from "../config.js";

const USAGE = `Usage: shopkeeper <command>

Commands:
  start                 run the server (HTTP API, widget, dashboard, Telegram)
  migrate               apply database migrations
  import-menu FILE|URL  replace the catalog from a CSV file or a Google Sheet CSV URL
  warmup-cache          load the critical caches
  staff add USER [--role staff|owner] [--telegram ID] [--name NAME]
                        add a staff account (prints a one-time password)
  staff list            list the staff accounts
  chat                  talk to the assistant in the terminal
  bench [suite]         run the benchmarks (see npm run bench)
`;

async function main(argv: string[]) {
  const [command, ...args] = argv;
  if (!command || command === "help" || command === "--help") {
    process.stdout.write(USAGE);
    return;
  }
  loadDotEnv();
  if (command === "bench") {
    // The suites read their own variables (DATABASE_URL, REDIS_URL, BENCH_*); no server config.
    const { runBench } = await import("../../bench/index.js");
    await runBench(args);
    process.exit(0);
  }
  const config = loadConfig();
  switch (command) {
    case "start": {
      const { startServer } = await import("../server.js");
      await startServer(config);
      return;
    }
    case "migrate": {
      const { openDatabase } = await import("../db/client.js");
      const { runMigrations } = await import("../db/migrate.js");
      const db = await openDatabase({ url: config.database.url, dataDir: config.dataDir });
      await runMigrations(db);
      await db.close();
      process.stdout.write("Migrations applied.\n");
      return;
    }
    case "import-menu": {
      const { runImportMenu } = await import("./import-menu.js");
      process.exitCode = await runImportMenu(config, args[0]);
      return;
    }
    case "staff": {
      const { runStaff } = await import("./staff.js");
      process.exitCode = await runStaff(config, args);
      return;
    }
    case "chat": {
      const { chatCommand } = await import("./chat.js");
      await chatCommand(config);
      return;
    }
    case "warmup-cache": {
      const { runWarmupCache } = await import("./warmup-cache.js");
      process.exitCode = await runWarmupCache(config);
      return;
    }
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${USAGE}`);
      process.exitCode = 2;
      void args;
  }
}

/**
 * `.env` in the working directory, if there is one: its variables fill in what the environment
 * does not set (the environment wins). Node's own parser (process.loadEnvFile, Node ≥ 20.12).
 */
function loadDotEnv(file = ".env") {
  if (!existsSync(file)) return;
  if (typeof process.loadEnvFile !== "function") {
    process.stderr.write("Ignoring .env: this Node.js cannot read it (needs 20.12 or later).\n");
    return;
  }
  process.loadEnvFile(file);
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
    process.exit(1);
  }
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
