/** Shared set-up for the assistant's tests: a test app with the demo catalog and a web customer. */

import { runTurn, type TurnInput } from "../../src/agent/turn.js";
import { createApp } from "../../src/app.js";
import { fixedClock } from "../../src/clock.js";
import type { Deps } from "../../src/deps.js";
import { seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { getOrCreateWebProfile } from "../../src/services/profiles.js";
import { startFakeLlm } from "../fakes/llm.js";
import { createTestDeps, type TestDepsOptions } from "../helpers/app.js";

/** 14:00 in Bangkok: the demo shop (10:00–23:00) is open. */
export const OPEN_TIME = "2026-03-10T07:00:00Z";

export async function agentDeps(opts: TestDepsOptions = {}) {
  const deps = await createTestDeps({ clock: fixedClock(OPEN_TIME), ...opts });
  await seedDemoCatalogIfEmpty(deps);
  return deps;
}

/** Agent deps whose model is a fake OpenAI-compatible server on loopback (the real client library). */
export async function fakeLlmAgent() {
  const fake = await startFakeLlm();
  const deps = await agentDeps({
    env: { LLM_BASE_URL: fake.url, LLM_MODEL: "fake-model", LLM_API_KEY: "test-key", LLM_TIMEOUT_MS: "1500" },
  });
  return {
    fake,
    deps,
    async close() {
      await deps.close();
      await fake.close();
    },
  };
}

export async function agentApp(opts: TestDepsOptions = {}) {
  const deps = await agentDeps(opts);
  return { deps, app: createApp(deps), close: deps.close };
}

/** A scripted customer: each `say` is one turn on the same conversation. */
export async function customer(
  deps: Deps,
  name = `u_${crypto.randomUUID()}`,
  extra: Partial<TurnInput> = {},
) {
  const profile = await getOrCreateWebProfile(deps, name);
  let conversationId: string | undefined;
  return {
    profile,
    get conversationId() {
      return conversationId;
    },
    async say(text: string, more: Partial<TurnInput> = {}) {
      const fresh = await getOrCreateWebProfile(deps, name);
      const r = await runTurn(deps, {
        channel: "web",
        profile: fresh,
        text,
        conversationId,
        ...extra,
        ...more,
      });
      conversationId = r.conversationId;
      return r;
    },
  };
}
