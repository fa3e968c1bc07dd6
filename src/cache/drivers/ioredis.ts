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

export class IoRedisDriver implements L2Driver {
  readonly name = "redis" as const;
  /** The command connection; locks and rate limits reuse it. */
  readonly client: Redis;
  private subscriber?: Redis;

  constructor(url: string, opts: IoRedisDriverOptions = {}) {
    this.client = new Redis(url, {
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
    this.client.on("error", () => {});
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
   * explicit pipeline is a write of its own. Commands on one connection run in the order issued,
   * so the announcement still follows the writes.
   */
  async mset(entries: L2Entry[], announce?: Announcement): Promise<void> {
    await this.write(entries, [], announce);
  }

  async write(entries: L2Entry[], unlink: string[], announce?: Announcement): Promise<void> {
    const replies: Array<Promise<unknown>> = entries.map((e) =>
      this.client.set(e.key, e.value, "PX", px(e.ttlMs)),
    );
    if (unlink.length > 0) replies.push(this.client.unlink(...unlink));
    if (announce) replies.push(this.client.publish(announce.channel, announce.message));
    await Promise.all(replies);
  }

  async del(keys: string[], announce?: Announcement): Promise<number> {
    const removed = keys.length > 0 ? this.client.unlink(...keys) : Promise.resolve(0);
    const published = announce ? this.client.publish(announce.channel, announce.message) : undefined;
    const [n] = await Promise.all([removed, published]);
    return n;
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
