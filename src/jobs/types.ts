/**
 * The job queue contract. Implementations: BullMQ when Redis is configured, a durable runner
 * on the `jobs` table otherwise (src/jobs/). Producers only ever see this interface.
 */
export interface EnqueueOptions {
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
  /** A job with the same key that is waiting or active is not enqueued twice. */
  dedupeKey?: string;
  /** @default 5 */
  attempts?: number;
}

export interface JobQueue {
  enqueue(name: string, data: Record<string, unknown>, opts?: EnqueueOptions): Promise<void>;
}

/** What a handler learns about the run it is in. */
export interface JobContext {
  jobId: string;
  name: string;
  /** 1 on the first run, 2 on the first retry... */
  attempt: number;
  maxAttempts: number;
}

/**
 * Thrown by a handler to run the job again after `delayMs` without counting a failed attempt
 * (e.g. Telegram's 429 with retry_after: the wait is Telegram's, not a fault of ours).
 */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    message = `retry in ${delayMs} ms`,
  ) {
    super(message);
    this.name = "RetryLaterError";
  }
}

/** Thrown by a handler when another try cannot help (bad input, a refused target): the job fails now. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}
