/**
 * L2 over ioredis. Commands fail fast instead of queueing while disconnected (enableOfflineQueue
 * off) and time out after `commandTimeoutMs`, so a dead or stalled Redis costs a request at most
 * one timeout; the cache's circuit breaker then skips Redis until it answers again.
 */
import { Redis } from "ioredis";
import type { Announcement, L2Driver, L2Entry } from "./types.js";

export interface IoRedisDriverOptions {
  /** Per-command timeout. @default 300 */
  commandTimeoutMs?: number;
  /** How long one connection attempt may take. @default 1500 */
  connectTimeoutMs?: number;
}

const SCAN_COUNT = 1000;

/*
 * A batch in one command. KEYS: the keys to set, then the keys to unlink. ARGV: how many keys are
 * set, then value and TTL (ms) of each, then the announcement's channel and message (absent when
 * there is none). Runs SET PX for each key set, UNLINK of the rest (one call, split only past
 * what Lua can unpack at once), then PUBLISH. As with separate commands, a failing command does
 * not stop the others: the first error is the reply once all ran. Returns how many keys existed
 * among those unlinked. Redis Cluster is not used, so the keys need not share a slot.
 */
const WRITE_LUA = `local n = tonumber(ARGV[1])
local failed
for i = 1, n do
  local r = redis.pcall('SET', KEYS[i], ARGV[2 * i], 'PX', ARGV[2 * i + 1])
  if type(r) == 'table' and r.err and not failed then failed = r end
end
local removed = 0
local last = #KEYS
local from = n + 1
while from <= last do
  local to = math.min(from + 3999, last)
  local r = redis.pcall('UNLINK', unpack(KEYS, from, to))
  if type(r) == 'number' then removed = removed + r elseif not failed then failed = r end
  from = to + 1
end
local at = 2 * n + 2
if ARGV[at] then
  local r = redis.pcall('PUBLISH', ARGV[at], ARGV[at + 1])
  if type(r) == 'table' and r.err and not failed then failed = r end
end
if failed then return failed end
return removed`;

type ScriptClient = Redis & {
  skWrite(numKeys: number, keys: string[], argv: Array<string | number>): Promise<number>;
};

export class IoRedisDriver implements L2Driver {
  readonly name = "redis" as const;
  /** The command connection; locks and rate limits reuse it. */
  readonly client: Redis;
  private subscriber?: Redis;

  constructor(url: string, opts: IoRedisDriverOptions = {}) {
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: opts.commandTimeoutMs ?? 300,
      connectTimeout: opts.connectTimeoutMs ?? 1500,
      // Keep trying forever, at most every 2 s: Redis must be used again once it is back.
      retryStrategy: (times) => Math.min(times * 100, 2000),
      // Commands issued in the same tick (many requests at once) go out in one write.
      enableAutoPipelining: true,
    });
    // Outages are reported once by the cache (see L2Guard); ioredis would otherwise print every retry.
    client.on("error", () => {});
    // EVAL the first time on each connection, EVALSHA after (EVAL again if Redis lost the script).
    client.defineCommand("skWrite", { lua: WRITE_LUA });
    this.client = client;
  }

  /** Waits for the first connection (bounded); a Redis that is down at start is not fatal. */
  async waitReady(timeoutMs = 1500): Promise<boolean> {
    if (this.client.status === "ready") return true;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.client.off("ready", onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.client.once("ready", onReady);
    });
  }

  isReady(): boolean {
    return this.client.status === "ready";
  }

  get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  mget(keys: string[]): Promise<Array<string | null>> {
    return keys.length === 0 ? Promise.resolve([]) : this.client.mget(keys);
  }

  /*
   * Single commands rather than explicit pipelines: with auto-pipelining every command issued in
   * the same tick, by any number of concurrent requests, goes out in one write, while each
   * explicit pipeline is a write of its own. A batch of writes, deletions and an announcement is
   * one command (the WRITE_LUA script), as each command costs CPU on this thread; a lone write or
   * deletion without an announcement stays a plain SET or UNLINK. Commands on one connection run
   * in the order issued, and the script publishes last, so the announcement follows the writes.
   */
  async write(entries: L2Entry[], unlink: string[], announce?: Announcement): Promise<void> {
    if (!announce) {
      if (entries.length === 0) {
        if (unlink.length > 0) await this.client.unlink(unlink);
        return;
      }
      if (entries.length === 1 && unlink.length === 0) {
        const e = entries[0] as L2Entry;
        await this.client.set(e.key, e.value, "PX", px(e.ttlMs));
        return;
      }
    } else if (entries.length === 0 && unlink.length === 0) {
      await this.client.publish(announce.channel, announce.message);
      return;
    }
    await this.runWrite(entries, unlink, announce);
  }

  async del(keys: string[], announce?: Announcement): Promise<number> {
    if (announce) return this.runWrite([], keys, announce);
    return keys.length > 0 ? this.client.unlink(keys) : 0;
  }

  /** One WRITE_LUA call; resolves to how many of `unlink` existed. */
  private runWrite(entries: L2Entry[], unlink: string[], announce?: Announcement): Promise<number> {
    const n = entries.length;
    const keys: string[] = new Array(n + unlink.length);
    const argv: Array<string | number> = new Array(1 + 2 * n + (announce ? 2 : 0));
    argv[0] = n;
    for (let i = 0; i < n; i++) {
      const e = entries[i] as L2Entry;
      keys[i] = e.key;
      argv[1 + 2 * i] = e.value;
      argv[2 + 2 * i] = px(e.ttlMs);
    }
    for (let i = 0; i < unlink.length; i++) keys[n + i] = unlink[i] as string;
    if (announce) {
      argv[1 + 2 * n] = announce.channel;
      argv[2 + 2 * n] = announce.message;
    }
    // ioredis flattens array arguments: EVALSHA sha numkeys ...keys ...argv.
    return (this.client as ScriptClient).skWrite(keys.length, keys, argv);
  }

  async scanPage(cursor: string, pattern: string): Promise<[string, string[]]> {
    return this.client.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
  }

  async usedMemory(): Promise<number | undefined> {
    const info = await this.client.info("memory");
    const m = /used_memory:(\d+)/.exec(info);
    return m ? Number(m[1]) : undefined;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(channel, message);
  }

  async subscribe(channel: string, onMessage: (m: string) => void, onGap: () => void): Promise<boolean> {
    // Pub/sub needs its own connection; it may queue while offline and resubscribes on reconnect.
    const sub = this.client.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    this.subscriber = sub;
    sub.on("error", () => {});
    let connectedOnce = false;
    sub.on("ready", () => {
      if (connectedOnce) onGap();
      connectedOnce = true;
    });
    sub.on("message", (ch: string, message: string) => {
      if (ch === channel) onMessage(message);
    });
    await sub.subscribe(channel).catch(() => {});
    return true;
  }

  busConnected(): boolean {
    return this.subscriber?.status === "ready";
  }

  async syncSubscription(): Promise<void> {
    // Replies on one connection come in order: once PING answers, earlier messages were delivered.
    if (this.subscriber?.status === "ready") await this.subscriber.ping();
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.client.disconnect();
  }
}

function px(ttlMs: number): number {
  return Math.max(1, Math.round(ttlMs));
}
