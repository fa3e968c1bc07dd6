import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { IoRedisDriver } from "./drivers/ioredis.js";
import type { L2Driver } from "./drivers/types.js";
import { UpstashDriver } from "./drivers/upstash.js";
import { TwoTierCache, type TwoTierOptions } from "./two-tier.js";
import type { AppCache } from "./types.js";

/** Builds the shared-tier driver the config asks for (REDIS_URL wins over Upstash), if any. */
export async function createL2Driver(config: Config): Promise<L2Driver | undefined> {
  const { url, upstashUrl, upstashToken, timeoutMs } = config.redis;
  if (url) {
    const driver = new IoRedisDriver(url, { commandTimeoutMs: timeoutMs });
    // A Redis that is down at start is not fatal: the cache starts on L1 and picks Redis up later.
    await driver.waitReady();
    return driver;
  }
  if (upstashUrl && upstashToken)
    return new UpstashDriver({ url: upstashUrl, token: upstashToken, timeoutMs });
  return undefined;
}

/** Builds the cache the config asks for: memory only, or memory + Redis / Upstash. */
export async function createCache(
  config: Config,
  logger: Logger,
  overrides: Partial<TwoTierOptions> = {},
): Promise<TwoTierCache> {
  const l2 = "l2" in overrides ? overrides.l2 : await createL2Driver(config);
  const cache = new TwoTierCache({
    logger,
    namespace: config.redis.keyPrefix,
    timeoutMs: config.redis.timeoutMs,
    ...overrides,
    l2,
  });
  return cache.start();
}

/** The ioredis connection behind a cache, when it has one (locks and rate limits use it). */
export function redisClientOf(cache: AppCache) {
  if (!(cache instanceof TwoTierCache)) return undefined;
  const driver = cache.l2Driver;
  return driver instanceof IoRedisDriver ? driver.client : undefined;
}

export * from "./keys.js";
export { TwoTierCache } from "./two-tier.js";
export type * from "./types.js";
