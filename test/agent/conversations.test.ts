/** Scripted conversations in ru, en, uk and th on the built-in offline assistant. */
import { afterAll, beforeAll, describe, test } from "vitest";
import type { Deps } from "../../src/deps.js";
import { runScript, SCRIPTS } from "./scripts.js";
import { agentDeps } from "./support.js";

describe("offline assistant: scripted conversations", () => {
  let deps: Deps & { close(): Promise<void> };
  beforeAll(async () => {
    deps = await agentDeps();
  });
  afterAll(() => deps.close());

  for (const s of SCRIPTS) {
    test(`${s.language}: recommend, price, minimum, order, human, thanks`, async () => {
      await runScript(deps, s);
    });
  }
});
