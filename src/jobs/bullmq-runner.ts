/**
 * The job runner when Redis is configured: BullMQ. Jobs live in Redis (prefix
 * `${REDIS_KEY_PREFIX}bull`), retries use BullMQ's exponential backoff, dedupe its deduplication
 * id (a job is not added twice while one with the same key is waiting, delayed or running), and
 * a worker that dies mid-job loses its lock; the stalled-job check of any live worker puts the job
 * back in the queue.
 */
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { Deps } from "../deps.js";
import type { Logger } from "../logger.js";
import { redactText } from "../logger.js";
import { defaultJobRegistry, type JobRegistry } from "./registry.js";
import { DEFAULT_QUEUE, type JobRunner, type JobRunnerOptions } from "./runner.js";
import { type EnqueueOptions, PermanentJobError, RetryLaterError } from "./types.js";

/** How long an enqueue waits for a connected but slow Redis before the caller moves on. */
const ENQUEUE_WAIT_MS = 1000;

export interface BullRunnerOptions extends JobRunnerOptions {
  redisUrl: string;
  /** Key prefix for BullMQ's keys. */
  prefix: string;
}

export class BullJobRunner implements JobRunner {
  readonly kind = "bullmq" as const;
  private readonly registry: JobRegistry;
  private readonly queueName: string;
  private readonly queueConn: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConn?: Redis;
  private readonly active = new Set<Promise<void>>();
  /** Adds are being held for a Redis that is down (logged once per outage). */
  private deferring = false;

  constructor(
    private readonly opts: BullRunnerOptions,
    private readonly logger: Logger,
  ) {
    this.registry = opts.registry ?? defaultJobRegistry;
    this.queueName = opts.queue ?? DEFAULT_QUEUE;
    // BullMQ requires maxRetriesPerRequest: null; a producer must not hang forever on a dead Redis.
    this.queueConn = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, enableOfflineQueue: true });
    this.queueConn.on("error", () => {});
    this.queue = new Queue(this.queueName, { connection: this.queueConn, prefix: opts.prefix });
    this.queue.on("error", (err) => this.logger.warn({ err: redactText(String(err)) }, "job queue error"));
  }

  async enqueue(name: string, data: Record<string, unknown>, opts: EnqueueOptions = {}): Promise<void> {
    const added = this.queue.add(name, data, {
      delay: Math.max(0, opts.delayMs ?? 0),
      attempts: opts.attempts ?? 5,
      backoff: { type: "exponential", delay: this.opts.backoffBaseMs ?? 2000 },
      ...(opts.dedupeKey ? { deduplication: { id: opts.dedupeKey } } : {}),
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    // Redis down or stalled: the connection's offline queue holds the add and sends it once Redis
    // is back, but the caller (often an HTTP request: an order, a chat turn) must not wait that
    // long. Connection lost → return at once; connecting or slow → wait at most ENQUEUE_WAIT_MS.
    let timer: NodeJS.Timeout | undefined;
    const lost = ["reconnecting", "close", "end"].includes(this.queueConn.status);
    const waitMs = lost ? 0 : ENQUEUE_WAIT_MS;
    const inTime = await Promise.race([
      added.then(() => true),
      new Promise<false>((r) => {
        timer = setTimeout(() => r(false), waitMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (inTime) {
      this.deferring = false;
      return;
    }
    added.catch((err) =>
      this.logger.warn({ job: name, err: redactText(String(err)) }, "deferred job not queued"),
    );
    if (this.deferring) return;
    this.deferring = true;
    this.logger.warn({ job: name }, "job queue: Redis unavailable; jobs are held in memory until it is back");
  }

  async schedule(name: string, everyMs: number, data: Record<string, unknown> = {}): Promise<void> {
    await this.queue.upsertJobScheduler(name, { every: everyMs }, { name, data });
  }

  async start(deps: Deps): Promise<void> {
    if (this.worker) return;
    const leaseMs = this.opts.leaseMs ?? 30_000;
    this.workerConn = new Redis(this.opts.redisUrl, { maxRetriesPerRequest: null });
    this.workerConn.on("error", () => {});
    this.worker = new Worker(this.queueName, (job, token) => this.process(deps, job, token), {
      connection: this.workerConn,
      prefix: this.opts.prefix,
      concurrency: this.opts.concurrency ?? 4,
      lockDuration: leaseMs,
      stalledInterval: Math.max(100, Math.floor(leaseMs / 2)),
      // A job whose worker died is put back this many times before it counts as failed.
      maxStalledCount: 3,
      autorun: false,
    });
    this.worker.on("error", (err) => this.logger.warn({ err: redactText(String(err)) }, "job worker error"));
    void this.worker.run();
    await this.worker.waitUntilReady();
  }

  private process(deps: Deps, job: Job, token?: string): Promise<void> {
    const p = this.runHandler(deps, job, token);
    const tracked = p.catch(() => {});
    this.active.add(tracked);
    void tracked.finally(() => this.active.delete(tracked));
    return p;
  }

  private async runHandler(deps: Deps, job: Job, token?: string): Promise<void> {
    const handler = this.registry.get(job.name);
    if (!handler) {
      this.logger.warn({ job: job.name }, "no handler registered for job; completing it");
      return;
    }
    try {
      await handler(deps, job.data as Record<string, unknown>, {
        jobId: String(job.id),
        name: job.name,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
      });
    } catch (err) {
      if (err instanceof RetryLaterError) {
        // Not a failure of ours: wait as asked without spending an attempt.
        await job.moveToDelayed(Date.now() + err.delayMs, token);
        throw new DelayedError();
      }
      const message = redactText(err instanceof Error ? err.message : String(err));
      if (err instanceof PermanentJobError) throw new UnrecoverableError(message);
      throw new Error(message);
    }
  }

  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      // Take no new job, give running ones `timeoutMs`, then close without waiting: a job still
      // running is abandoned, its lock lapses and another worker's stalled check requeues it.
      await worker.pause(true).catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...this.active]),
        new Promise((r) => (timer = setTimeout(r, opts.timeoutMs ?? 10_000))),
      ]);
      clearTimeout(timer);
      await worker.close(true).catch(() => {});
      this.workerConn?.disconnect();
    }
    await this.queue.close().catch(() => {});
    this.queueConn.disconnect();
  }

  async pending(): Promise<number> {
    const c = await this.queue.getJobCounts("waiting", "active", "delayed", "prioritized");
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  /** Deletes every key of this queue (tests; never the whole Redis). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
  }
}
