import { describe } from "vitest";
import { BullJobRunner } from "../../src/jobs/bullmq-runner.js";
import { DatabaseJobRunner } from "../../src/jobs/db-runner.js";
import { jobRunnerContract } from "./contract.js";

jobRunnerContract("database", (deps, opts) => new DatabaseJobRunner(deps.database, deps.logger, opts));

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  jobRunnerContract(
    "bullmq",
    (deps, opts) =>
      new BullJobRunner({ ...opts, redisUrl, prefix: `${deps.config.redis.keyPrefix}bull` }, deps.logger),
    async (r) => {
      const bull = r as BullJobRunner;
      // Only this test's queue keys are removed; the shared Redis is never flushed.
      const cleanup = new BullJobRunner(
        {
          redisUrl,
          prefix: (bull as unknown as { opts: { prefix: string } }).opts.prefix,
          queue: (bull as unknown as { queueName: string }).queueName,
        },
        { warn() {}, info() {} } as never,
      );
      await cleanup.obliterate().catch(() => {});
      await cleanup.stop();
    },
  );
} else {
  describe.skip("job runner contract: bullmq (set REDIS_URL)", () => {});
}
