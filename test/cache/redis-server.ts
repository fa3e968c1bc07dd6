/**
 * A private redis-server for outage tests (the shared one on 6379 must stay up): started on its
 * own port, killed by its own pid, restarted on the same port.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";

export class PrivateRedis {
  private child?: ChildProcess;
  readonly port: number;

  constructor(port = 6390 + (process.pid % 100)) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    await this.waitUntil(true);
  }

  /** Kills the server process, as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  private async waitUntil(up: boolean): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const r = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      r.on("error", () => {});
      const ok = await r
        .connect()
        .then(() => r.ping())
        .then(() => true)
        .catch(() => false);
      r.disconnect();
      if (ok === up) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`redis-server on ${this.port} did not come ${up ? "up" : "down"}`);
  }
}
