/**
 * The durable job runner for deployments without Redis: jobs are rows in `jobs`, so a crash
 * loses nothing. Claiming uses `for update skip locked`, so any number of instances on one
 * PostgreSQL share the work without running a job twice at once (PGlite is one connection, where
 * the same statement simply runs alone). A claim is a lease kept alive by a heartbeat: a process
 * that dies mid-job stops renewing it and another process runs the job again once it expires.
 * All times are the database's `now()`, so instances with skewed clocks agree.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { DatabaseHandle, DbOrTx } from "../db/client.js";
import { execRows } from "../db/client.js";
import type { Deps } from "../deps.js";
import type { Logger } from "../logger.js";
import { redactText } from "../logger.js";
import { backoffMs, defaultJobRegistry, type JobRegistry } from "./registry.js";
import { DEFAULT_QUEUE, type JobRunner, type JobRunnerOptions } from "./runner.js";
import { type EnqueueOptions, PermanentJobError, RetryLaterError } from "./types.js";

interface ClaimedJob {
  id: string;
  name: string;
  data: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  dedupe_key: string | null;
  locked_by: string;
}

const REPEAT_PREFIX = "repeat:";

export class DatabaseJobRunner implements JobRunner {
  readonly kind = "database" as const;
  private readonly db: DbOrTx;
  private readonly registry: JobRegistry;
  private readonly queue: string;
  private readonly concurrency: number;
  private readonly backoffBaseMs: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly workerId = randomUUID();
  private readonly schedules = new Map<string, { everyMs: number; data: Record<string, unknown> }>();
  private readonly active = new Set<Promise<void>>();
  private readonly heartbeats = new Set<NodeJS.Timeout>();
  private deps?: Deps;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    database: Pick<DatabaseHandle, "db">,
    private readonly logger: Logger,
    opts: JobRunnerOptions = {},
  ) {
    this.db = database.db;
    this.registry = opts.registry ?? defaultJobRegistry;
    this.queue = opts.queue ?? DEFAULT_QUEUE;
    this.concurrency = opts.concurrency ?? 4;
    this.backoffBaseMs = opts.backoffBaseMs ?? 2000;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
  }

  async enqueue(name: string, data: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<void> {
    await this.insertJob(this.db, name, data, opts);
    this.wake?.();
  }

  private async insertJob(db: DbOrTx, name: string, data: Record<string, unknown>, opts: EnqueueOptions) {
    // The unique dedupe_key is the dedupe: a second insert with the key of a waiting or running
    // job does nothing. Finished jobs release their key (see finish()).
    await execRows(
      db,
      sql`insert into jobs (queue, name, data, max_attempts, run_at, dedupe_key)
          values (${this.queue}, ${name}, ${JSON.stringify(data)}::jsonb, ${opts.attempts ?? 5},
                  now() + ${Math.max(0, opts.delayMs ?? 0)} * interval '1 millisecond', ${opts.dedupeKey ?? null})
          on conflict (dedupe_key) do nothing`,
    );
  }

  async schedule(name: string, everyMs: number, data: Record<string, unknown> = {}): Promise<void> {
    this.schedules.set(name, { everyMs, data });
    await this.insertJob(this.db, name, data, { delayMs: everyMs, dedupeKey: `${REPEAT_PREFIX}${name}` });
  }

  async start(deps: Deps): Promise<void> {
    if (this.running) return;
    this.deps = deps;
    this.running = true;
    this.loop = this.run();
  }

  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    const all = Promise.all([...this.active]);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    // Jobs still running are abandoned: without a heartbeat their lease lapses and another runner takes them.
    for (const h of this.heartbeats) clearInterval(h);
    this.heartbeats.clear();
  }

  async pending(): Promise<number> {
    const [row] = await execRows<{ n: number }>(
      this.db,
      sql`select count(*)::int as n from jobs where queue = ${this.queue} and status in ('waiting', 'active')`,
    );
    return Number(row?.n ?? 0);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed: ClaimedJob[] = [];
      const free = this.concurrency - this.active.size;
      if (free > 0) {
        try {
          claimed = await this.claim(free);
        } catch (err) {
          this.logger.warn({ err: redactText(String(err)) }, "job claim failed");
        }
      }
      for (const job of claimed) {
        const p = this.execute(job).finally(() => {
          this.active.delete(p);
          this.wake?.();
        });
        this.active.add(p);
      }
      if (claimed.length === 0 || this.active.size >= this.concurrency) await this.sleep(this.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** Due jobs, plus running jobs whose lease expired (their process died). */
  private claim(limit: number): Promise<ClaimedJob[]> {
    const token = `${this.workerId}:${randomUUID()}`;
    return execRows<ClaimedJob>(
      this.db,
      sql`update jobs set status = 'active', attempts = attempts + 1, locked_by = ${token},
            locked_until = now() + ${this.leaseMs} * interval '1 millisecond', updated_at = now()
          where id in (
            select id from jobs
            where queue = ${this.queue}
              and ((status = 'waiting' and run_at <= now()) or (status = 'active' and locked_until < now()))
            order by run_at
            limit ${limit}
            for update skip locked)
          returning id, name, data, attempts, max_attempts, dedupe_key, locked_by`,
    );
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const deps = this.deps;
    if (!deps) return;
    if (job.attempts > job.max_attempts) {
      // Only reachable when a process died during the last allowed attempt.
      await this.finish(job, "failed", "interrupted on the last attempt");
      return;
    }
    const handler = this.registry.get(job.name);
    if (!handler) {
      this.logger.warn({ job: job.name }, "no handler registered for job; completing it");
      await this.finish(job, "completed");
      return;
    }
    const heartbeat = setInterval(() => void this.renew(job), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeats.add(heartbeat);
    try {
      await handler(deps, job.data, {
        jobId: job.id,
        name: job.name,
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
      });
      await this.finish(job, "completed");
    } catch (err) {
      await this.failed(job, err);
    } finally {
      clearInterval(heartbeat);
      this.heartbeats.delete(heartbeat);
    }
  }

  private async renew(job: ClaimedJob) {
    await execRows(
      this.db,
      sql`update jobs set locked_until = now() + ${this.leaseMs} * interval '1 millisecond'
          where id = ${job.id} and locked_by = ${job.locked_by}`,
    ).catch(() => {});
  }

  private async failed(job: ClaimedJob, err: unknown) {
    const message = redactText(err instanceof Error ? err.message : String(err)).slice(0, 1000);
    if (err instanceof RetryLaterError) {
      // Not a failure of ours: the attempt is given back.
      await this.retry(job, err.delayMs, message, true);
      return;
    }
    if (err instanceof PermanentJobError || job.attempts >= job.max_attempts) {
      this.logger.warn({ job: job.name, jobId: job.id, error: message }, "job failed for good");
      await this.finish(job, "failed", message);
      return;
    }
    this.logger.info(
      { job: job.name, jobId: job.id, attempt: job.attempts, error: message },
      "job will retry",
    );
    await this.retry(job, backoffMs(job.attempts, this.backoffBaseMs), message, false);
  }

  private async retry(job: ClaimedJob, delayMs: number, message: string, giveBack: boolean) {
    await execRows(
      this.db,
      sql`update jobs set status = 'waiting', locked_by = null, locked_until = null, last_error = ${message},
            attempts = attempts - ${giveBack ? 1 : 0},
            run_at = now() + ${delayMs} * interval '1 millisecond', updated_at = now()
          where id = ${job.id} and locked_by = ${job.locked_by}`,
    );
  }

  /** Ends a job (only if this claim still holds it) and, for a repeatable one, books the next run. */
  private async finish(job: ClaimedJob, status: "completed" | "failed", message?: string) {
    const schedule = job.dedupe_key?.startsWith(REPEAT_PREFIX) ? this.schedules.get(job.name) : undefined;
    await this.db.transaction(async (tx) => {
      const ended = await execRows<{ id: string }>(
        tx,
        sql`update jobs set status = ${status}, locked_by = null, locked_until = null, dedupe_key = null,
              last_error = ${message ?? null}, completed_at = now(), updated_at = now()
            where id = ${job.id} and locked_by = ${job.locked_by}
            returning id`,
      );
      if (ended.length > 0 && schedule) {
        await this.insertJob(tx, job.name, schedule.data, {
          delayMs: schedule.everyMs,
          dedupeKey: job.dedupe_key ?? undefined,
        });
      }
    });
  }
}
