#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so `npx shopkeeper …` works from a clone. The server and
// the benchmarks get the same young-generation size as `npm start` (see README, "Memory"),
// unless NODE_OPTIONS already sets one.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const serves = args[0] === "start" || args[0] === "bench";
const young =
  serves && !(process.env.NODE_OPTIONS ?? "").includes("--max-semi-space-size")
    ? ["--max-semi-space-size=64"]
    : [];
// tsx resolved from this package, not from the working directory (which may be anywhere).
const tsx = import.meta.resolve("tsx");
const r = spawnSync(process.execPath, [...young, "--import", tsx, join(root, "src/cli/index.ts"), ...args], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
