#!/usr/bin/env node
/**
 * Completes package-lock.json with entries for platform-specific optional dependencies the
 * registry this project is installed from does not carry (e.g. @biomejs/cli-darwin-arm64 on a
 * Linux-only mirror). npm leaves them out of the lock when it cannot resolve them, and `npm ci`
 * then refuses the lock as "out of sync". An entry with the platform it is for (os/cpu/libc,
 * read from the package name) and no tarball lets `npm ci` see the lock as complete and skip the
 * package on every other platform. Run after any `npm install` that changes the lock:
 *   npm run lock:complete
 */
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const packages = lock.packages;

const OSES = [
  "darwin",
  "win32",
  "android",
  "freebsd",
  "openbsd",
  "netbsd",
  "sunos",
  "aix",
  "openharmony",
  "linux",
];
const CPUS = ["arm64", "x64", "ia32", "arm", "riscv64", "ppc64", "s390x", "loong64", "mips64el", "wasm32"];

function platformOf(name) {
  const n = name.toLowerCase();
  const entry = {};
  const os = OSES.find((o) => n.includes(o));
  if (os) entry.os = [os];
  const cpu = CPUS.find((c) => new RegExp(`(^|[-_/])${c}($|[-_])`).test(n));
  if (cpu) entry.cpu = [cpu];
  if (n.includes("wasm32") || n.includes("wasi")) entry.cpu = ["wasm32"];
  if (n.includes("musl")) entry.libc = ["musl"];
  return entry;
}

let added = 0;
for (const [where, meta] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${where ? `${where}/` : ""}node_modules/${dep}`;
    if (packages[nested] || packages[`node_modules/${dep}`]) continue;
    const version = String(spec)
      .replace(/^[\^~>=<\s]+/, "")
      .split(/\s/)[0];
    packages[`node_modules/${dep}`] = {
      version,
      ...(meta.dev ? { dev: true } : {}),
      optional: true,
      ...platformOf(dep),
    };
    added++;
  }
}

if (added > 0) writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform-specific optional entr${added === 1 ? "y" : "ies"} added`);
