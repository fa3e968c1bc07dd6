#!/usr/bin/env node
/**
 * `npm start`'s prestart: builds the web UI only when web/dist is missing or older than any
 * source under web/ (or these build scripts), so a fresh clone serves the UI and a restart
 * costs nothing. A directory lock keeps two concurrent callers (parallel test files) from
 * building over each other.
 */
import { mkdir, readdir, rmdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWeb, stampFile, webDir } from "./build-web.mjs";

const scriptsDir = fileURLToPath(new URL(".", import.meta.url));
const lockDir = join(webDir, ".build-lock");

async function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    const time = entry.isDirectory() ? await newestSourceMtime(path) : (await stat(path)).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

export async function webBuildIsFresh() {
  const stamp = await stat(stampFile).catch(() => null);
  if (!stamp) return false;
  const newest = Math.max(await newestSourceMtime(webDir), await newestSourceMtime(scriptsDir));
  return stamp.mtimeMs >= newest;
}

async function acquireLock(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      return;
    } catch (err) {
      if (err?.code !== "EEXIST") throw err;
      const info = await stat(lockDir).catch(() => null);
      // A lock older than two minutes was left by a crashed build: take it over.
      if (info && Date.now() - info.mtimeMs > 120_000) await rmdir(lockDir).catch(() => {});
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockDir}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function ensureWebBuild({ quiet = false } = {}) {
  if (await webBuildIsFresh()) return false;
  await acquireLock(120_000);
  try {
    if (await webBuildIsFresh()) return false;
    if (!quiet) process.stdout.write("Building the web UI (web/dist is missing or stale)…\n");
    await buildWeb({ quiet });
    return true;
  } finally {
    await rmdir(lockDir).catch(() => {});
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureWebBuild().catch((err) => {
    process.stderr.write(`Web build failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  });
}
