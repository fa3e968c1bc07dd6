/**
 * `npm run bench -- <suite...>`: runs benchmark suites by name (all when none is given).
 * A suite is a module exporting `run(): Promise<void>`; add yours to SUITES.
 */
// First: zod's configuration must be in place before any schema is built (as in the CLI).
import "../src/zod-config.js";
import { pathToFileURL } from "node:url";

const SUITES: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  cache: () => import("./cache.js"),
  chat: () => import("./chat.js"),
};

/** Runs the named suites (all when none is given); exits 2 on an unknown name. */
export async function runBench(args: string[]): Promise<void> {
  const names = args.length > 0 ? args : Object.keys(SUITES);
  const unknown = names.filter((n) => !SUITES[n]);
  if (unknown.length > 0) {
    process.stderr.write(
      `Unknown bench suite: ${unknown.join(", ")}. Known: ${Object.keys(SUITES).join(", ")}\n`,
    );
    process.exit(2);
  }
  for (const name of names) {
    const suite = await (SUITES[name] as () => Promise<{ run(): Promise<void> }>)();
    await suite.run();
  }
}

// Run directly (`npm run bench -- …`); `shopkeeper bench …` imports runBench instead.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runBench(process.argv.slice(2)).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err?.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
