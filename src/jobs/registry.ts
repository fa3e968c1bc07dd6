/**
 * Job handlers by name. Any module adds its own with `registerJobHandler(name, fn)`; the runners
 * look them up when a job comes due. A job whose handler is missing is logged and completed, so
 * a schedule registered before its handler exists does not pile up retries.
 */
import type { Deps } from "../deps.js";
import type { JobContext } from "./types.js";

export type JobHandler = (deps: Deps, data: Record<string, unknown>, ctx: JobContext) => Promise<void>;

export class JobRegistry {
  private readonly handlers = new Map<string, JobHandler>();

  register(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler);
  }

  get(name: string): JobHandler | undefined {
    return this.handlers.get(name);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }
}

/** The registry the server's runner uses. Tests build their own. */
export const defaultJobRegistry = new JobRegistry();

export function registerJobHandler(name: string, handler: JobHandler): void {
  defaultJobRegistry.register(name, handler);
}

/** Exponential backoff: base × 2^(attempt-1), capped. @default base 2 s, cap 10 min */
export function backoffMs(attempt: number, baseMs = 2000, capMs = 10 * 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
