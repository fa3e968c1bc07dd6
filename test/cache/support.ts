/** Helpers shared by the cache tests: a unique Redis namespace per run and its cleanup. */
import { connect, createServer } from "node:net";
import { Redis } from "ioredis";
import { expect, vi } from "vitest";
import { IoRedisDriver } from "../../src/cache/drivers/ioredis.js";
import { TwoTierCache, type TwoTierOptions } from "../../src/cache/two-tier.js";
import { createLogger } from "../../src/logger.js";

/** Redis runs on this machine; REDIS_URL points elsewhere when set. */
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export const quietLogger = createLogger("silent");

/** A namespace no other test file or run uses, so parallel files share one Redis safely. */
export function uniqueNamespace(tag: string): string {
  return `sk_test_${tag}_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;
}

export async function redisCache(
  namespace: string,
  opts: Partial<TwoTierOptions> = {},
): Promise<TwoTierCache> {
  const driver = new IoRedisDriver(REDIS_URL);
  await driver.waitReady();
  return new TwoTierCache({ logger: quietLogger, namespace, l2: driver, ...opts }).start();
}

/** Removes every key of a test namespace (never FLUSHALL: other files share this Redis). */
export async function dropNamespace(namespace: string, url = REDIS_URL): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  r.on("error", () => {});
  try {
    await r.connect();
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${namespace}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await r.unlink(...keys);
    } while (cursor !== "0");
  } catch {
    // The server may already be gone (outage tests): nothing left to clean.
  } finally {
    r.disconnect();
  }
}

/** A clock the cache reads, moved by hand. */
export function manualClock(start = Date.now()) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

/**
 * MONITOR over one namespace (other test files share this Redis): the commands its clients sent
 * and those the scripts they ran issued, in execution order. `settle()` waits until MONITOR has
 * reported everything run so far (an ECHO marker it must see come back).
 */
/**
 * Redis's MONITOR over a plain socket. (ioredis's monitor() marks the connection as monitoring
 * only a microtask after MONITOR's +OK, so on a busy Redis the first line, arriving in the same
 * chunk, is taken for a reply nobody waits for: "Command queue state error".)
 */
async function monitorRedis(onLine: (args: string[], source: string) => void) {
  const url = new URL(REDIS_URL);
  const socket = connect(Number(url.port || 6379), url.hostname);
  let buffered = "";
  let ok!: () => void;
  const started = new Promise<void>((r) => {
    ok = r;
  });
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    let end = buffered.indexOf("\r\n");
    while (end >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      if (line === "+OK") ok();
      else if (line.startsWith("+")) {
        // +1712098529.327989 [0 127.0.0.1:62763] "set" "key" "value"   (source "lua" for scripts)
        const m = /^\+[\d.]+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
        if (m) onLine(monitorArgs(m[2] ?? ""), m[1] === "lua" ? "lua" : (m[1] ?? ""));
      }
      end = buffered.indexOf("\r\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.write("MONITOR\r\n");
  await started;
  return socket;
}

/** The quoted arguments of a MONITOR line, unescaped (\", \\, \n, \r, \t, \xHH). */
function monitorArgs(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    out.push(
      (m[1] ?? "").replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_all, e: string) =>
        e.length === 3
          ? String.fromCharCode(Number.parseInt(e.slice(1), 16))
          : e === "n"
            ? "\n"
            : e === "r"
              ? "\r"
              : e === "t"
                ? "\t"
                : e,
      ),
    );
  }
  return out;
}

export async function watchNamespace(namespace: string) {
  const commands: string[][] = [];
  const scripted: string[][] = [];
  const marks: string[] = [];
  const echo = new Redis(REDIS_URL);
  const monitor = await monitorRedis((args, source) => {
    if (!args.some((x) => String(x).startsWith(namespace))) return;
    if (String(args[0]).toLowerCase() === "echo") marks.push(String(args[1]));
    else (source === "lua" ? scripted : commands).push(args);
  });
  return {
    commands,
    scripted,
    async settle() {
      const mark = `${namespace}mark:${marks.length}`;
      await echo.echo(mark);
      await vi.waitFor(() => expect(marks).toContain(mark));
    },
    clear() {
      commands.length = 0;
      scripted.length = 0;
    },
    close() {
      monitor.destroy();
      echo.disconnect();
    },
  };
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}
