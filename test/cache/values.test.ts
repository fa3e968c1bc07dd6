/** encodeValue: lists re-cached with reused elements encode exactly like a fresh JSON round trip. */
import { describe, expect, test } from "vitest";
import { encodeValue, frozenValue, isJsonShaped } from "../../src/cache/values.js";

const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe("encodeValue", () => {
  test("arrays: same JSON and value as JSON.stringify/parse, frozen deeply", () => {
    const at = new Date("2026-03-10T07:00:00Z");
    const list = [
      { id: 1, at, tags: ["a"], nested: { x: undefined, y: null } },
      "s",
      2,
      null,
      undefined,
      () => 1,
    ];
    const e = encodeValue(list);
    expect(e.json).toBe(JSON.stringify(list));
    expect(e.value).toEqual(plain(list));
    expect(Object.isFrozen(e.value)).toBe(true);
    const first = (e.value as Array<{ tags: string[] }>)[0]!;
    expect(Object.isFrozen(first) && Object.isFrozen(first.tags)).toBe(true);
  });

  test("a cached list with one more item reuses the cached items and still encodes exactly", () => {
    const first = encodeValue([
      { id: 1, text: "hello" },
      { id: 2, text: "hi" },
    ]);
    const cached = first.value as Array<{ id: number; text: string }>;
    const next = [...cached.slice(1), { id: 3, text: 'quote " and ünïcode' }];
    const e = encodeValue(next);
    expect(e.json).toBe(JSON.stringify(next));
    expect(e.value).toEqual(plain(next));
    expect((e.value as unknown[])[0]).toBe(cached[1]); // reused, not copied
    // A mutable object that merely equals a cached one is encoded afresh, never reused.
    const changed = { ...cached[0]!, text: "changed" };
    expect(encodeValue([changed]).json).toBe(JSON.stringify([changed]));
  });

  test("non-arrays are unchanged: JSON round trip, frozen", () => {
    const v = { a: [1, { b: new Date(0) }] };
    const e = encodeValue(v);
    expect(e.json).toBe(JSON.stringify(v));
    expect(e.value).toEqual(plain(v));
    expect(Object.isFrozen((e.value as { a: unknown[] }).a)).toBe(true);
  });

  test("frozenValue (a value kept in memory only) is the value encodeValue gives, reusing cached items", () => {
    const at = new Date("2026-03-10T07:00:00Z");
    const cached = encodeValue([{ id: 1, at }]).value as unknown[];
    const list = [...cached, { id: 2, at, nested: { x: undefined } }, undefined];
    const v = frozenValue(list) as unknown[];
    expect(v).toEqual(encodeValue(list).value);
    expect(v).toEqual(plain(list));
    expect(v[0]).toBe(cached[0]);
    expect(Object.isFrozen(v) && Object.isFrozen(v[1])).toBe(true);
    const o = { a: [1, { b: at }] };
    expect(frozenValue(o)).toEqual(plain(o));
    expect(Object.isFrozen((frozenValue(o) as { a: unknown[] }).a)).toBe(true);
  });
});

describe("owned values (frozen in place)", () => {
  test("isJsonShaped: exactly the values a JSON round trip gives back unchanged", () => {
    const yes: unknown[] = [null, "s", true, 0, -1.5, [], {}, [1, "a", null], { a: { b: [1, { c: "d" }] } }];
    for (const v of yes) expect(isJsonShaped(v), JSON.stringify(v)).toBe(true);
    const hidden = { a: 1 };
    Object.defineProperty(hidden, "b", { value: 2, enumerable: false });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const no: unknown[] = [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      new Date(),
      { at: new Date() },
      { x: undefined },
      [1, undefined],
      // biome-ignore lint/suspicious/noSparseArray: a hole is what is tested
      [1, , 2],
      new Map(),
      new (class Point {
        x = 1;
      })(),
      { toJSON: () => "x" },
      { [Symbol("s")]: 1 },
      hidden,
      () => 1,
      10n,
      cyclic,
    ];
    for (const v of no) expect(isJsonShaped(v), String(v)).toBe(false);
  });

  test("a JSON-shaped value is frozen in place: same objects, same JSON, what a copy would equal", () => {
    const message = { id: "m1", productCards: ["OG Kush"], metadata: { n: 1 } };
    const list = [...(encodeValue([{ id: "m0" }]).value as unknown[]), message];
    const e = encodeValue(list, true);
    expect(e.json).toBe(JSON.stringify(list));
    expect((e.value as unknown[])[1]).toBe(message);
    expect(Object.isFrozen(message) && Object.isFrozen(message.productCards)).toBe(true);
    const state = { state: { phase: "browse", draft: { items: [] } }, version: 3 };
    const s = encodeValue(state, true);
    expect(s.value).toBe(state);
    expect(s.json).toBe(JSON.stringify(state));
    expect(() => {
      (state.state.draft.items as unknown[]).push(1);
    }).toThrow(TypeError);
    const conversation = { id: "c1", messageCount: 2 };
    expect(frozenValue(conversation, true)).toBe(conversation);
    expect(Object.isFrozen(conversation)).toBe(true);
  });

  test("anything else is copied through JSON as without `owned`, the caller's object untouched", () => {
    const at = new Date("2026-03-10T07:00:00Z");
    const value = { at, note: undefined, items: [{ at }] };
    const e = encodeValue(value, true);
    expect(e.value).not.toBe(value);
    expect(e.value).toEqual(plain(value));
    expect(Object.isFrozen(value) || Object.isFrozen(value.items)).toBe(false);
    const f = frozenValue([{ at }, { ok: true }], true) as unknown[];
    expect(f).toEqual(plain([{ at }, { ok: true }]));
    expect(f[0]).toEqual({ at: at.toISOString() });
  });
});
