/**
 * L2 over Upstash's REST API (one HTTPS request per command or pipeline). REST has no pub/sub
 * subscription, so the cache keeps L1 entries short-lived with this driver (see two-tier.ts).
 */
import type { Announcement, L2Driver, L2Entry } from "./types.js";

export interface UpstashDriverOptions {
  url: string;
  token: string;
  /** Per-request timeout. @default 1000 */
  timeoutMs?: number;
}

type Reply = { result?: unknown; error?: string };

/** Redis (or Upstash) rejected the command; the service itself answered. */
export class UpstashCommandError extends Error {
  constructor(message: string) {
    super(`Upstash: ${message}`);
    this.name = "UpstashCommandError";
  }
}

function errorOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as Reply;
    return typeof parsed?.error === "string" ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

export class UpstashDriver implements L2Driver {
  readonly name = "upstash" as const;
  private readonly base: string;

  constructor(private readonly opts: UpstashDriverOptions) {
    this.base = opts.url.replace(/\/+$/, "");
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.base}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.opts.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 1000),
    });
    // Always read the body: an unread one keeps its connection out of the keep-alive pool.
    const text = await res.text();
    if (res.ok) return JSON.parse(text);
    const message = errorOf(text);
    // 400 = Redis (or Upstash) rejected the command itself; anything else (401 wrong token, 5xx,
    // a proxy's page) means the service is not usable.
    if (res.status === 400 && message) throw new UpstashCommandError(message);
    throw new Error(`Upstash answered HTTP ${res.status}${message ? `: ${message}` : ""}`);
  }

  private async command<T>(...args: Array<string | number>): Promise<T> {
    const reply = (await this.post("", args)) as Reply;
    if (reply.error) throw new UpstashCommandError(reply.error);
    return reply.result as T;
  }

  private async pipeline(commands: Array<Array<string | number>>): Promise<unknown[]> {
    const replies = await this.post("/pipeline", commands);
    if (!Array.isArray(replies) || replies.length !== commands.length)
      throw new Error("Upstash: malformed pipeline reply");
    const failed = (replies as Reply[]).find((r) => r.error);
    if (failed) throw new UpstashCommandError(failed.error as string);
    return (replies as Reply[]).map((r) => r.result);
  }

  isReady(): boolean {
    return true;
  }

  get(key: string): Promise<string | null> {
    return this.command<string | null>("GET", key);
  }

  async mget(keys: string[]): Promise<Array<string | null>> {
    return keys.length === 0 ? [] : this.command<Array<string | null>>("MGET", ...keys);
  }

  async write(entries: L2Entry[], unlink: string[], announce?: Announcement): Promise<void> {
    const commands: Array<Array<string | number>> = entries.map((e) => [
      "SET",
      e.key,
      e.value,
      "PX",
      Math.max(1, Math.round(e.ttlMs)),
    ]);
    if (unlink.length > 0) commands.push(["UNLINK", ...unlink]);
    if (announce) commands.push(["PUBLISH", announce.channel, announce.message]);
    if (commands.length > 0) await this.pipeline(commands);
  }

  async del(keys: string[], announce?: Announcement): Promise<number> {
    const commands: Array<Array<string | number>> = [];
    if (keys.length > 0) commands.push(["UNLINK", ...keys]);
    if (announce) commands.push(["PUBLISH", announce.channel, announce.message]);
    if (commands.length === 0) return 0;
    const results = await this.pipeline(commands);
    return keys.length > 0 ? Number(results[0] ?? 0) : 0;
  }

  async scanPage(cursor: string, pattern: string): Promise<[string, string[]]> {
    const [next, keys] = await this.command<[string | number, string[]]>(
      "SCAN",
      cursor,
      "MATCH",
      pattern,
      "COUNT",
      1000,
    );
    return [String(next), keys];
  }

  async usedMemory(): Promise<number | undefined> {
    // A service that does not serve INFO just has no figure; a failed request is a failure (the
    // breaker must not take a refused probe for recovery).
    const info = await this.command<string>("INFO", "memory").catch((err: unknown) => {
      if (err instanceof UpstashCommandError) return "";
      throw err;
    });
    const m = /used_memory:(\d+)/.exec(info);
    return m ? Number(m[1]) : undefined;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.command("PUBLISH", channel, message);
  }

  async subscribe(): Promise<boolean> {
    return false;
  }

  async syncSubscription(): Promise<void> {}

  /** REST has no subscription: the cache caps L1 lifetimes instead. */
  busConnected(): boolean {
    return false;
  }

  async close(): Promise<void> {}
}
