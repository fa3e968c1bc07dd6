/**
 * Every L2 call goes through here: a timeout (a stalled Redis costs at most `timeoutMs`), a
 * circuit breaker (after a failure Redis is skipped for `breakMs`, then one call probes it) and
 * outage logging once per outage, not once per request.
 */
import type { Logger } from "../logger.js";
import type { L2Driver } from "./drivers/types.js";

/** Returned instead of a value when the call failed, timed out or was skipped. */
export const FAILED: unique symbol = Symbol("l2-failed");
export type Failed = typeof FAILED;

export interface L2GuardOptions {
  /** @default 300 */
  timeoutMs?: number;
  /** @default 2000 */
  breakMs?: number;
  logger: Logger;
  /** Runs when Redis answers again after an outage. */
  onRecover?: () => void;
  now?: () => number;
}

export class L2Guard {
  private openUntil = 0;
  private down = false;
  private readonly timeoutMs: number;
  private readonly breakMs: number;
  private readonly now: () => number;

  constructor(
    readonly driver: L2Driver,
    private readonly opts: L2GuardOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 300;
    this.breakMs = opts.breakMs ?? 2000;
    this.now = opts.now ?? Date.now;
  }

  /** Whether the tier is usable right now (connected and the breaker closed). */
  available(): boolean {
    return !this.down && this.driver.isReady();
  }

  async run<T>(fn: (driver: L2Driver) => Promise<T>): Promise<T | Failed> {
    if (this.now() < this.openUntil) return FAILED;
    if (!this.driver.isReady()) {
      this.fail(new Error(`${this.driver.name} is not connected`));
      return FAILED;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const value = await Promise.race([
        fn(this.driver),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${this.driver.name} timed out after ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
      if (this.down) this.recover();
      return value;
    } catch (err) {
      this.fail(err);
      return FAILED;
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(err: unknown): void {
    this.openUntil = this.now() + this.breakMs;
    if (this.down) return;
    this.down = true;
    this.opts.logger.warn(
      { tier: this.driver.name, err: (err as Error)?.message ?? String(err) },
      "cache: shared tier unavailable; serving from memory and the database until it is back",
    );
  }

  private recover(): void {
    this.down = false;
    this.opts.logger.info({ tier: this.driver.name }, "cache: shared tier is back");
    this.opts.onRecover?.();
  }
}
