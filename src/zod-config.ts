/**
 * Zod's global configuration, imported before any schema exists (first import of every entry
 * point: the CLI, the bench, the test setup).
 *
 * Zod 4.6 installs a memoizer by default so that parsing *cyclic input* (an object that
 * contains itself) terminates. Every value we validate was parsed from JSON (request bodies,
 * database rows, model output) or built by us, and JSON cannot be cyclic, so that support is
 * never used. It is not free: schemas that can recurse (the AI SDK's message schema holds
 * `providerOptions`, a recursive JSON value) keep a bookkeeping wrapper that allocates per
 * parsed object, and the AI SDK validates the whole prompt on every model call. Containers read
 * the memoizer when they are built, so this must run before the first schema is constructed.
 */
import { config } from "zod/v4/core";

/** The memoizer interface zod's containers call, doing nothing: parse as without one. */
const noCycleSupport = {
  attach(): void {},
  guard(): void {},
  alloc(_inst: unknown, _payload: unknown, empty: unknown): unknown {
    return empty;
  },
};

config({ memoizer: noCycleSupport as unknown as NonNullable<Parameters<typeof config>[0]>["memoizer"] });
