import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/db/group-commit.js";

/** A writer whose calls stay in flight until the test releases them. */
function controlledWriter(failMany?: (items: number[]) => boolean) {
  const calls: Array<{ kind: "one" | "many"; items: number[]; release(): void }> = [];
  const gate = (kind: "one" | "many", items: number[]) =>
    new Promise<void>((release) => calls.push({ kind, items, release }));
  const writer = new GroupCommit<number, string>({
    concurrency: 1,
    maxBatch: 3,
    async one(item) {
      await gate("one", [item]);
      if (item < 0) throw new Error(`bad item ${item}`);
      return `one:${item}`;
    },
    async many(items) {
      await gate("many", items);
      if (failMany?.(items)) throw new Error("batch failed");
      return items.map((i) => `many:${i}`);
    },
  });
  return { writer, calls };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("group commit", () => {
  it("writes a lone item at once, then gathers what arrives while it is in flight into one batch", async () => {
    const { writer, calls } = controlledWriter();
    const first = writer.submit(1);
    await flush();
    expect(calls.map((c) => [c.kind, c.items])).toEqual([["one", [1]]]);
    const rest = [writer.submit(2), writer.submit(3), writer.submit(4), writer.submit(5)];
    await flush();
    expect(calls).toHaveLength(1); // concurrency 1: the others wait for the first
    calls[0]!.release();
    expect(await first).toBe("one:1");
    await flush();
    // maxBatch 3: 2, 3, 4 together; 5 waits for that batch.
    expect(calls.map((c) => [c.kind, c.items])).toEqual([
      ["one", [1]],
      ["many", [2, 3, 4]],
    ]);
    calls[1]!.release();
    await flush();
    expect(calls[2]?.items).toEqual([5]);
    calls[2]!.release();
    expect(await Promise.all(rest)).toEqual(["many:2", "many:3", "many:4", "one:5"]);
    expect(writer.stats).toEqual({ batches: 3, items: 5, fallbacks: 0 });
  });

  it("retries the items of a failed batch one by one, so only the bad one fails", async () => {
    const { writer, calls } = controlledWriter((items) => items.some((i) => i < 0));
    const first = writer.submit(1);
    const batch = [writer.submit(2), writer.submit(-3), writer.submit(4)].map((p) =>
      p.then(
        (v) => ({ ok: v }),
        (e: Error) => ({ err: e.message }),
      ),
    );
    await flush();
    calls[0]!.release();
    await first;
    await flush();
    expect(calls[1]).toMatchObject({ kind: "many", items: [2, -3, 4] });
    calls[1]!.release();
    await flush();
    await flush();
    const retries = calls.slice(2);
    expect(retries.map((c) => c.items)).toEqual([[2], [-3], [4]]);
    for (const c of retries) c.release();
    expect(await Promise.all(batch)).toEqual([{ ok: "one:2" }, { err: "bad item -3" }, { ok: "one:4" }]);
    expect(writer.stats.fallbacks).toBe(1);
  });

  it("keeps up to `concurrency` writes in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const writer = new GroupCommit<number, number>({
      concurrency: 2,
      async one(i) {
        inFlight++;
        most = Math.max(most, inFlight);
        await flush();
        inFlight--;
        return i;
      },
      async many(items) {
        inFlight++;
        most = Math.max(most, inFlight);
        await flush();
        inFlight--;
        return items;
      },
    });
    const out = await Promise.all(Array.from({ length: 20 }, (_, i) => writer.submit(i)));
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(2);
    expect(writer.stats.batches).toBeLessThan(20);
  });
});
