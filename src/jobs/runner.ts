/** What both runners (database, BullMQ) offer beyond the producers' JobQueue. */
import type { Deps } from "../deps.js";
import type { JobRegistry } from "./registry.js";
import type { JobQueue } from "./types.js";

export interface JobRunnerOptions {
  /** Handlers by name. @default defaultJobRegistry */
  registry?: JobRegistry;
  /** Queue name (one queue carries every job name). @default "shopkeeper" */
  queue?: string;
  /** Jobs run at once by this process. @default 4 */
  concurrency?: number;
  /** First retry delay; doubles each attempt. @default 2000 */
  backoffBaseMs?: number;
  /**
   * How long a started job belongs to this process without a heartbeat. A process that dies
   * mid-job loses its claim after this, and another process runs the job again. @default 30000
   */
  leaseMs?: number;
  /** Database runner: how often an idle runner looks for due jobs. @default 1000 */
  pollIntervalMs?: number;
}

export interface JobRunner extends JobQueue {
  readonly kind: "database" | "bullmq";
  /** Declares a repeatable job (one schedule across all instances). Call before or after start. */
  schedule(name: string, everyMs: number, data?: Record<string, unknown>): Promise<void>;
  /** Starts consuming with these deps (deps.jobs is usually this runner). */
  start(deps: Deps): Promise<void>;
  /**
   * Stops taking jobs and waits up to `timeoutMs` for running ones. Jobs still running after
   * that are abandoned, not lost: their claim expires and another process runs them again.
   */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
  /** Jobs waiting or running (for /api/health and tests). */
  pending(): Promise<number>;
}

export const DEFAULT_QUEUE = "shopkeeper";
