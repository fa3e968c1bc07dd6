/**
 * Picks the job runner: BullMQ when REDIS_URL is set, the durable database runner otherwise.
 * Handlers of this codebase register themselves when src/jobs/handlers.ts is imported.
 */
import type { Config } from "../config.js";
import type { DatabaseHandle } from "../db/client.js";
import type { Logger } from "../logger.js";
import { BullJobRunner } from "./bullmq-runner.js";
import { DatabaseJobRunner } from "./db-runner.js";
import type { JobRunner, JobRunnerOptions } from "./runner.js";

export function createJobRunner(
  config: Config,
  database: Pick<DatabaseHandle, "db">,
  logger: Logger,
  opts: JobRunnerOptions = {},
): JobRunner {
  if (config.redis.url) {
    return new BullJobRunner(
      { ...opts, redisUrl: config.redis.url, prefix: `${config.redis.keyPrefix}bull` },
      logger,
    );
  }
  return new DatabaseJobRunner(database, logger, opts);
}

/** Repeatable jobs (SPEC §7); their handlers are registered by the modules that own them. */
export const SCHEDULES = [
  { name: "memory-decay", everyMs: 24 * 60 * 60 * 1000 },
  { name: "cache-refresh", everyMs: 15 * 60 * 1000 },
  { name: "conversation-summaries", everyMs: 60 * 60 * 1000 },
  { name: "memory-summaries", everyMs: 7 * 24 * 60 * 60 * 1000 },
  { name: "followups-due", everyMs: 15 * 60 * 1000 },
] as const;

export async function registerSchedules(runner: JobRunner): Promise<void> {
  for (const s of SCHEDULES) await runner.schedule(s.name, s.everyMs);
}

export { registerJobHandler } from "./registry.js";
export type { JobRunner, JobRunnerOptions } from "./runner.js";
