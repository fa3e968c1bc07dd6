import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "bin", "shopkeeper.js");
const dir = mkdtempSync(join(tmpdir(), "sk-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npx shopkeeper …` from another working directory, with only the variables given. */
function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: dir, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the CLI", () => {
  it("reads .env from the working directory, and the environment wins over it", () => {
    writeFileSync(join(dir, ".env"), `LOG_LEVEL=bogus\nDATA_DIR=${join(dir, "data")}\n`);
    const bad = cli(["migrate"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/LOG_LEVEL: .*"bogus"/);
    expect(existsSync(join(dir, "data"))).toBe(false);

    const good = cli(["migrate"], { LOG_LEVEL: "silent" });
    expect(good.stderr).toBe("");
    expect(good.stdout).toContain("Migrations applied.");
    expect(good.status).toBe(0);
    // DATA_DIR came from the file.
    expect(existsSync(join(dir, "data"))).toBe(true);
  });

  it("runs the benchmarks by name and refuses an unknown suite", () => {
    const r = cli(["bench", "nosuch"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown bench suite: nosuch. Known: cache, chat");
  });
});
