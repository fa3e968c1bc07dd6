/** `shopkeeper warmup-cache`: runs every registered cache warmer against the configured tiers, with a progress bar. */
import { SingleBar } from "cli-progress";
import { runWarmup } from "../cache/warmup.js";
import type { Config } from "../config.js";
import { buildDeps, closeDeps } from "../server.js";
import "../services/cache-warmup.js";

export async function runWarmupCache(config: Config): Promise<number> {
  const deps = await buildDeps(config);
  const bar = new SingleBar({ format: "  warming {bar} {value}/{total} {name}", hideCursor: true });
  try {
    let started = false;
    const results = await runWarmup(deps, "all", (done, total, name) => {
      if (!started) bar.start(total, 0, { name });
      started = true;
      bar.update(done, { name });
    });
    bar.stop();
    for (const r of results) {
      process.stdout.write(
        `  ${r.ok ? "ok  " : "FAIL"} ${r.name} (${r.ms} ms)${r.error ? `: ${r.error}` : ""}\n`,
      );
    }
    const stats = await deps.cache.stats();
    process.stdout.write(
      `Cache warmed: ${stats.totalKeys} keys (${stats.tiers.map((t) => `${t.name} ${t.available ? "up" : "down"}`).join(", ")}).\n`,
    );
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    await closeDeps(deps);
  }
}
