/**
 * GET /api/analytics?metric=funnel with only one of startDate / endDate: the missing one is
 * defaulted (end: the shop-local today; start: 6 days before the end) and the range checks
 * (start not after end, at most 366 days) hold exactly as when both are given.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/clock.js";
import { updateSettings } from "../../src/services/settings.js";
import { createTestApp, staffAuth } from "../helpers/app.js";

// 10:17 UTC: 17:17 in Bangkok, 03:17 in Los Angeles, already the 16th in Kiritimati (UTC+14).
const NOW = new Date("2025-03-15T10:17:00Z");

describe("analytics funnel range with a defaulted end", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp({ clock: fixedClock(NOW) });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (q: string) => t.app.request(`/api/analytics?metric=funnel&${q}`, { headers: staffAuth });

  async function expectStartDateError(q: string) {
    const res = await get(q);
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
    expect(res.status, `${q}: ${JSON.stringify(body)}`).toBe(400);
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.message.startsWith("startDate: "), body.error.message).toBe(true);
    expect(body.error.details).toEqual([expect.objectContaining({ field: "startDate" })]);
    return body.error.message;
  }

  async function expectRange(q: string, startDate: string, endDate: string) {
    const res = await get(q);
    const body = (await res.json()) as { funnel: { startDate: string; endDate: string } };
    expect(res.status, `${q}: ${JSON.stringify(body)}`).toBe(200);
    expect(body.funnel, q).toMatchObject({ startDate, endDate });
  }

  it("startDate alone, after today → 400 naming startDate and the defaulted end", async () => {
    const message = await expectStartDateError("startDate=2099-01-01");
    expect(message).toContain("endDate");
    expect(message).toContain("2025-03-15");
    await expectStartDateError("startDate=2025-03-16");
  });

  it("startDate alone, more than 366 days before today → 400 naming startDate", async () => {
    const message = await expectStartDateError("startDate=2020-01-01");
    expect(message).toContain("366 days");
    // 2024-03-14 … 2025-03-15 is 366 days (2024 is a leap year): the longest range allowed.
    await expectStartDateError("startDate=2024-03-13");
    await expectRange("startDate=2024-03-14", "2024-03-14", "2025-03-15");
  });

  it("startDate alone within range → 200 ending today; endDate alone → the 7 days up to it", async () => {
    await expectRange("startDate=2025-03-15", "2025-03-15", "2025-03-15");
    await expectRange("startDate=2025-03-01", "2025-03-01", "2025-03-15");
    await expectRange("endDate=2025-03-10", "2025-03-04", "2025-03-10");
    await expectRange("", "2025-03-09", "2025-03-15");
  });

  it("both given: the same checks as before (startDate after endDate, longer than 366 days)", async () => {
    await expectStartDateError("startDate=2025-03-10&endDate=2025-03-01");
    const res = await get("startDate=2024-01-01&endDate=2025-03-01");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^endDate: /);
  });

  it("the default end is today in the shop's time zone", async () => {
    await updateSettings(t.deps, { timeZone: "Pacific/Kiritimati" }, "test");
    await t.deps.cache.deleteByPrefix("analytics:");
    await expectRange("startDate=2025-03-16", "2025-03-16", "2025-03-16");
    await updateSettings(t.deps, { timeZone: "America/Los_Angeles" }, "test");
    await t.deps.cache.deleteByPrefix("analytics:");
    expect(await expectStartDateError("startDate=2025-03-16")).toContain("2025-03-15");
  });
});
