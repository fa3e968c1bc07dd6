/**
 * `shopkeeper import-menu FILE.csv|URL`: validates every row, then replaces the catalog in one
 * transaction, with a progress bar. Bad rows are listed with their line and column and nothing
 * is written. With Redis configured, running servers see the new menu at once (the menu cache is
 * dropped on every instance); with the embedded database, stop the server first (PGlite is
 * single-process) or use POST /api/admin/catalog/import instead.
 */
import { Presets, SingleBar } from "cli-progress";
import { createCache } from "../cache/index.js";
import { systemClock } from "../clock.js";
import type { Config } from "../config.js";
import { openDatabase } from "../db/client.js";
import { runMigrations } from "../db/migrate.js";
import { createLogger } from "../logger.js";
import { formatProblems, type ImportStage, importMenuFrom } from "../services/menu-import.js";

const STAGE_LABEL: Record<ImportStage, string> = {
  parse: "Parsing",
  validate: "Validating",
  write: "Writing",
};

export async function runImportMenu(config: Config, source: string | undefined): Promise<number> {
  if (!source) {
    process.stderr.write("Usage: shopkeeper import-menu FILE.csv|URL\n");
    return 2;
  }
  const logger = createLogger("warn");
  const database = await openDatabase({ url: config.database.url, dataDir: config.dataDir });
  const cache = await createCache(config, logger);
  const bar = new SingleBar(
    { format: "{stage} |{bar}| {value}/{total}", hideCursor: true },
    Presets.shades_classic,
  );
  let stage: ImportStage | undefined;
  try {
    await runMigrations(database);
    const result = await importMenuFrom({ db: database.db, cache, clock: systemClock }, source, {
      onProgress(next, done, total) {
        if (next !== stage) {
          if (stage) bar.stop();
          stage = next;
          bar.start(total, done, { stage: STAGE_LABEL[next].padEnd(10) });
        } else {
          bar.update(done);
        }
      },
    });
    bar.stop();
    if (result.errors.length > 0) {
      process.stderr.write(
        `\nNothing was imported: ${result.errors.length} problem(s)\n${formatProblems(result.errors)}\n`,
      );
      return 1;
    }
    process.stdout.write(`Imported ${result.imported} items from ${source}.\n`);
    return 0;
  } finally {
    bar.stop();
    await cache.close().catch(() => {});
    await database.close();
  }
}
