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
