/**
 * Group commit: writes submitted while an earlier write is in flight are gathered and sent
 * together, as one statement, when it returns. Under load, N concurrent turns cost one round
 * trip and one commit instead of N; alone, a write goes out at once as its own statement (the
 * batch only forms while the database is busy, so it adds no waiting of its own).
 *
 * Each caller still waits for its own rows to be committed before it goes on, so nothing is
 * acknowledged that is not durable. A batch is one statement, so it is atomic: if it fails
 * (one bad row, a deadlock, a lost connection), nothing of it was written, and every item is
 * written again on its own, so only the item that is really at fault fails.
 */

export interface GroupCommitOptions<I, R> {
  /** Writes one item by itself; also how the items of a failed batch are retried. */
  one(item: I): Promise<R>;
  /** Writes several items in one statement and returns their results in the same order. */
  many(items: I[]): Promise<R[]>;
  /** Batches in flight at once. @default 1 */
  concurrency?: number;
  /** Most items in one batch. @default 100 */
  maxBatch?: number;
  /** Told when a batch failed and its items are being retried one by one. */
  onBatchError?(err: unknown, size: number): void;
}

interface Pending<I, R> {
  item: I;
  resolve(r: R): void;
  reject(err: unknown): void;
}

export class GroupCommit<I, R> {
  private queue: Array<Pending<I, R>> = [];
  private running = 0;
  private readonly concurrency: number;
  private readonly maxBatch: number;
  /** Batches written and items in them, for tests and the bench. */
  readonly stats = { batches: 0, items: 0, fallbacks: 0 };

  constructor(private readonly opts: GroupCommitOptions<I, R>) {
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.maxBatch = Math.max(1, opts.maxBatch ?? 100);
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.running++;
      void this.write(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async write(batch: Array<Pending<I, R>>): Promise<void> {
    this.stats.batches++;
    this.stats.items += batch.length;
    if (batch.length === 1) return this.writeOne(batch[0] as Pending<I, R>);
    let results: R[];
    try {
      results = await this.opts.many(batch.map((p) => p.item));
    } catch (err) {
      this.stats.fallbacks++;
      this.opts.onBatchError?.(err, batch.length);
      await Promise.all(batch.map((p) => this.writeOne(p)));
      return;
    }
    for (const [i, p] of batch.entries()) p.resolve(results[i] as R);
  }

  private async writeOne(p: Pending<I, R>): Promise<void> {
    try {
      p.resolve(await this.opts.one(p.item));
    } catch (err) {
      p.reject(err);
    }
  }
}
