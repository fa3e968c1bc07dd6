/** encodeValue: lists re-cached with reused elements encode exactly like a fresh JSON round trip. */
import { describe, expect, test } from "vitest";
import { encodeValue, frozenValue } from "../../src/cache/values.js";

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
