/**
 * src/zod-config.ts (loaded first, as vitest's setup file and the CLI's first import): zod
 * without its cycle-support memoizer still validates everything it did.
 */
import { generateText } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { config, memoizer } from "zod/v4/core";
import { createOfflineModel } from "../../src/agent/models/offline.js";

describe("zod configuration", () => {
  it("has the no-op memoizer installed before schemas are built", () => {
    const empty = {};
    const memo = config().memoizer as unknown as { alloc(i: unknown, p: unknown, e: unknown): unknown };
    expect(memo.alloc(undefined, { value: {} }, empty)).toBe(empty);
  });

  it("still validates recursive schemas, exactly as with zod's default memoizer", () => {
    type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
    const build = () => {
      const json: z.ZodType<Json> = z.lazy(() =>
        z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]),
      );
      return z.object({ id: z.string().uuid(), data: json, tags: z.array(z.string().max(3)) });
    };
    const ours = build();
    // The same schema built with zod's own default, for comparison (then ours again).
    const saved = config().memoizer;
    config({ memoizer: memoizer() });
    const zods = build();
    config({ memoizer: saved });
    const shared = { a: [1, "x", { b: null }] };
    const inputs: unknown[] = [
      { id: crypto.randomUUID(), data: { one: shared, two: shared }, tags: ["a"] },
      { id: "nope", data: { a: [1, { b: undefined }] }, tags: ["long one"] },
      { id: crypto.randomUUID(), data: [[[["deep"]]]], tags: [] },
      "not an object",
    ];
    for (const input of inputs) {
      const a = ours.safeParse(input);
      const b = zods.safeParse(input);
      expect(a.success).toBe(b.success);
      expect(a.data).toEqual(b.data);
      expect(a.error?.issues).toEqual(b.error?.issues);
    }
    expect(ours.safeParse(inputs[0]).success).toBe(true);
    expect(ours.safeParse(inputs[1]).error?.issues.map((i) => i.path)).toEqual([
      ["id"],
      ["data"],
      ["tags", 0],
    ]);
  });

  it("the AI SDK still refuses a malformed prompt", async () => {
    const model = createOfflineModel();
    await expect(
      generateText({ model, messages: [{ role: "user", content: 42 as unknown as string }] }),
    ).rejects.toThrow(/ModelMessage\[\] schema/);
    const ok = await generateText({ model, messages: [{ role: "user", content: "hello" }] });
    expect(typeof ok.text).toBe("string");
  });
});
