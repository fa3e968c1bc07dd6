/**
 * The job runner contract, run against every implementation (database runner; BullMQ on the real
 * Redis when REDIS_URL is set): handlers run with their data, failures retry with backoff up to
 * the attempt limit, dedupe keys hold while a job waits, delays are honoured, a handler's
 * "retry later" does not spend an attempt, repeatable jobs repeat, and a runner stopped mid-job
 * loses nothing: another runner finishes the job.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../src/deps.js";
import { JobRegistry } from "../../src/jobs/registry.js";
import type { JobRunner, JobRunnerOptions } from "../../src/jobs/runner.js";
import { RetryLaterError } from "../../src/jobs/types.js";
import { createTestDeps } from "../helpers/app.js";
import { deferred, waitFor } from "./support.js";

export type RunnerFactory = (deps: Deps, opts: JobRunnerOptions & { registry: JobRegistry }) => JobRunner;

const FAST = { backoffBaseMs: 50, leaseMs: 600, pollIntervalMs: 25 };

export function jobRunnerContract(
  label: string,
  factory: RunnerFactory,
  cleanup?: (r: JobRunner) => Promise<void>,
) {
  describe(`job runner contract: ${label}`, () => {
    let deps: Awaited<ReturnType<typeof createTestDeps>>;
    const runners: JobRunner[] = [];
    let queueSeq = 0;
    let queue = "";

    function make(registry: JobRegistry, extra: JobRunnerOptions = {}) {
      const r = factory(deps, { ...FAST, ...extra, registry, queue });
      runners.push(r);
      return r;
    }

    beforeAll(async () => {
      deps = await createTestDeps();
    });
    afterEach(async () => {
      for (const r of runners.splice(0)) {
        await r.stop({ timeoutMs: 50 });
        await cleanup?.(r);
      }
      queueSeq++;
    });
    afterAll(async () => {
      await deps.close();
    });

    function fresh() {
      queue = `q${queueSeq}_${Math.random().toString(36).slice(2, 8)}`;
      return new JobRegistry();
    }

    it("runs a job with its data and tells the handler which attempt it is", async () => {
      const registry = fresh();
      const seen: Array<{ data: unknown; attempt: number; name: string }> = [];
      registry.register("hello", async (_d, data, ctx) => {
        seen.push({ data, attempt: ctx.attempt, name: ctx.name });
      });
      const r = make(registry);
      await r.start(deps);
      await r.enqueue("hello", { n: 1, text: "hi" });
      await waitFor(() => seen.length === 1, 15_000, "job to run");
      expect(seen[0]).toEqual({ data: { n: 1, text: "hi" }, attempt: 1, name: "hello" });
      await waitFor(async () => (await r.pending()) === 0, 15_000, "queue to drain");
    });

    it("retries a failing job with backoff until it succeeds", async () => {
      const registry = fresh();
      const attempts: number[] = [];
      registry.register("flaky", async (_d, _data, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
      });
      const r = make(registry);
      await r.start(deps);
      await r.enqueue("flaky", {}, { attempts: 5 });
      await waitFor(() => attempts.length === 3, 15_000, "third attempt");
      await waitFor(async () => (await r.pending()) === 0, 15_000, "queue to drain");
      expect(attempts).toEqual([1, 2, 3]);
    });

    it("gives up after the attempt limit", async () => {
      const registry = fresh();
      let runs = 0;
      registry.register("doomed", async () => {
        runs++;
        throw new Error("always");
      });
      const r = make(registry);
      await r.start(deps);
      await r.enqueue("doomed", {}, { attempts: 2 });
      await waitFor(async () => runs === 2 && (await r.pending()) === 0, 15_000, "two failed attempts");
      await new Promise((res) => setTimeout(res, 300));
      expect(runs).toBe(2);
    });

    it("does not enqueue a job twice while one with the same dedupe key waits", async () => {
      const registry = fresh();
      const ran: unknown[] = [];
      registry.register("once", async (_d, data) => {
        ran.push(data.i);
      });
      const r = make(registry);
      await Promise.all(
        [0, 1, 2, 3, 4].map((i) => r.enqueue("once", { i }, { dedupeKey: "same", delayMs: 200 })),
      );
      await r.start(deps);
      await waitFor(() => ran.length >= 1, 15_000, "deduped job");
      await waitFor(async () => (await r.pending()) === 0, 15_000, "queue to drain");
      expect(ran).toHaveLength(1);
      // Once it has finished, the key is free again.
      await r.enqueue("once", { i: 9 }, { dedupeKey: "same" });
      await waitFor(() => ran.length === 2, 15_000, "second job after the first finished");
      expect(ran[1]).toBe(9);
    });

    it("does not run a delayed job before its delay", async () => {
      const registry = fresh();
      let ranAt = 0;
      registry.register("later", async () => {
        ranAt = Date.now();
      });
      const r = make(registry);
      await r.start(deps);
      const enqueuedAt = Date.now();
      await r.enqueue("later", {}, { delayMs: 700 });
      await waitFor(() => ranAt > 0, 15_000, "delayed job");
      // A lower bound only: a delayed job may run late, never early (50 ms of clock slack).
      expect(ranAt - enqueuedAt).toBeGreaterThanOrEqual(650);
    });

    it("a handler's retry-later waits without spending an attempt", async () => {
      const registry = fresh();
      let runs = 0;
      let done = false;
      registry.register("polite", async () => {
        runs++;
        if (runs === 1) throw new RetryLaterError(100);
        done = true;
      });
      const r = make(registry);
      await r.start(deps);
      await r.enqueue("polite", {}, { attempts: 1 });
      await waitFor(() => done, 15_000, "job to run again after retry-later");
      expect(runs).toBe(2);
    });

    it("completes a job that has no handler instead of retrying it", async () => {
      const registry = fresh();
      const r = make(registry);
      await r.start(deps);
      await r.enqueue("nobody-handles-this", {});
      await waitFor(async () => (await r.pending()) === 0, 15_000, "orphan job to complete");
    });

    it("repeats a scheduled job", async () => {
      const registry = fresh();
      let ticks = 0;
      registry.register("tick", async () => {
        ticks++;
      });
      const r = make(registry);
      await r.schedule("tick", 150);
      await r.start(deps);
      await waitFor(() => ticks >= 2, 15_000, "two ticks");
      expect(ticks).toBeGreaterThanOrEqual(2);
    });

    it("loses nothing when a runner stops mid-job: another runner finishes it", async () => {
      const registry = fresh();
      const started = deferred();
      const release = deferred();
      const finishedBy: string[] = [];
      let firstRun = true;
      registry.register("long", async (_d, data) => {
        if (firstRun) {
          firstRun = false;
          started.resolve();
          // This run never finishes in time: its runner is stopped (as if the process died).
          await release.promise;
          return;
        }
        finishedBy.push(String(data.who));
      });
      const a = make(registry);
      await a.start(deps);
      await a.enqueue("long", { who: "survivor" });
      await started.promise;
      await a.stop({ timeoutMs: 0 });
      const b = make(registry);
      await b.start(deps);
      await waitFor(() => finishedBy.length === 1, 20_000, "second runner to finish the job");
      release.resolve();
      await waitFor(async () => (await b.pending()) === 0, 15_000, "queue to drain");
      expect(finishedBy).toEqual(["survivor"]);
    });
  });
}
