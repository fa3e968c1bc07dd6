/** The shop's local time (kept per time zone for the current minute): always what Intl says. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { isOpenAt, shopLocalParts } from "../../src/services/settings.js";

/** A fresh formatter every time: the reference. */
function intlParts(date: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
  };
}

const zones = [
  "Asia/Bangkok",
  "UTC",
  "America/New_York",
  "Europe/Amsterdam",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "Africa/Monrovia",
];

describe("shopLocalParts", () => {
  test("matches Intl for any instant and zone, in any order of calls", () => {
    const near = Date.UTC(2026, 2, 29, 0, 59, 0); // a DST change in Europe
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.integer({ min: -3e12, max: 4e12 }),
              fc.integer({ min: near - 120_000, max: near + 120_000 }),
              fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(1971, 0, 1) + 180_000 }),
            ),
            fc.constantFrom(...zones),
          ),
          { minLength: 1, maxLength: 10 },
        ),
        (calls) => {
          for (const [ms, tz] of calls)
            expect(shopLocalParts(new Date(ms), tz)).toEqual(intlParts(new Date(ms), tz));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("an offset with seconds (before 1973) can change the local minute inside a UTC minute", () => {
    // Liberia was UTC−0:44:30 until 1972: 12:00:10 UTC is 11:15:40 there, 12:00:40 UTC is 11:16:10.
    const a = new Date(Date.UTC(1971, 5, 1, 12, 0, 10));
    const b = new Date(Date.UTC(1971, 5, 1, 12, 0, 40));
    expect(shopLocalParts(a, "Africa/Monrovia").minute).toBe("15");
    expect(shopLocalParts(b, "Africa/Monrovia").minute).toBe("16");
  });

  test("successive minutes and zones are told apart, and each caller gets its own object", () => {
    const t = Date.UTC(2026, 0, 1, 2, 59, 59, 999);
    const first = shopLocalParts(new Date(t), "Asia/Bangkok");
    expect(first).toEqual({ year: "2026", month: "01", day: "01", hour: "09", minute: "59" });
    first.minute = "00";
    const second = shopLocalParts(new Date(t - 59_999), "Asia/Bangkok");
    expect(second.minute).toBe("59");
    second.hour = "00";
    expect(shopLocalParts(new Date(t - 1), "Asia/Bangkok").hour).toBe("09");
    expect(shopLocalParts(new Date(t + 1), "Asia/Bangkok")).toEqual({
      year: "2026",
      month: "01",
      day: "01",
      hour: "10",
      minute: "00",
    });
    expect(shopLocalParts(new Date(t + 1), "UTC").hour).toBe("03");
    const hours = { open: "10:00", close: "23:00" };
    expect(isOpenAt({ hours, timeZone: "Asia/Bangkok" }, new Date(t))).toBe(false);
    expect(isOpenAt({ hours, timeZone: "Asia/Bangkok" }, new Date(t + 1))).toBe(true);
  });

  test("an invalid date still throws", () => {
    expect(() => shopLocalParts(new Date(Number.NaN), "UTC")).toThrow(RangeError);
  });
});
