import { IoRedisDriver } from "../../src/cache/drivers/ioredis.js";
import { TwoTierCache } from "../../src/cache/two-tier.js";
import { cacheContract } from "./contract.js";
import { type FaultMode, FaultyDriver } from "./faulty-driver.js";
import { dropNamespace, quietLogger, REDIS_URL, uniqueNamespace } from "./support.js";

cacheContract("memory only", async (now) => {
  const cache = await new TwoTierCache({ logger: quietLogger, now }).start();
  return { cache, close: () => cache.close() };
});

cacheContract("memory + Redis", async (now) => {
  const namespace = uniqueNamespace("contract");
  const driver = new IoRedisDriver(REDIS_URL);
  await driver.waitReady();
  const cache = await new TwoTierCache({ logger: quietLogger, namespace, l2: driver, now }).start();
  return {
    cache,
    async close() {
      await cache.close();
      await dropNamespace(namespace);
    },
  };
});

for (const mode of ["fail", "stall"] as FaultMode[]) {
  cacheContract(`memory + Redis that ${mode}s`, async (now) => {
    const namespace = uniqueNamespace(`contract_${mode}`);
    const driver = new FaultyDriver(new IoRedisDriver(REDIS_URL));
    driver.mode = mode;
    const cache = await new TwoTierCache({
      logger: quietLogger,
      namespace,
      l2: driver,
      now,
      timeoutMs: 50,
    }).start();
    return {
      cache,
      async close() {
        await cache.close();
        await dropNamespace(namespace);
      },
    };
  });
}
