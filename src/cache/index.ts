import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { MemoryCache } from "./memory.js";
import type { AppCache } from "./types.js";

/** Builds the cache the config asks for. */
export async function createCache(_config: Config, _logger: Logger): Promise<AppCache> {
  return new MemoryCache();
}

export * from "./keys.js";
export type * from "./types.js";
