/**
 * Date and date-time parameters outside 1970-01-01 … 9999-12-31 are a 400 naming the parameter
 * (year 0000 passed the format check and then failed inside PostgreSQL as a 500); the edges of
 * the range are answered normally on both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../src/clock.js";
import { getOrCreateConversation } from "../src/services/conversations.js";
import { createTestApp, staffAuth } from "./helpers/app.js";
import { customer } from "./orders/support.js";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

async function expectFieldError(res: Response, field: string) {
  const body = (await res.json()) as { error: { code: string; message: string; details?: unknown } };
  expect(res.status, JSON.stringify(body)).toBe(400);
  expect(body.error.code).toBe("VALIDATION_FAILED");
  expect(body.error.message.startsWith(`${field}: `), body.error.message).toBe(true);
  expect(body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  return body.error;
}

describe("date parameters are bounded", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ clock: fixedClock(new Date("2025-03-15T10:17:00Z")) });
  });
  afterAll(async () => {
    await t.close();
  });

  it("GET /api/agent/messages?after=: out of range → 400 naming `after`; the edges → 200", async () => {
    const alice = customer(t.app);
    await alice.request("GET", "/api/orders");
    const [p] = await t.deps.database.query<{ id: string }>(
      "select id from user_profiles where user_id is not null order by created_at desc limit 1",
    );
    const conv = await getOrCreateConversation(t.deps, {
      profileId: p!.id,
      channel: "web",
      language: "en",
      timeoutMinutes: 30,
    });
    const url = (after: string) =>
      `/api/agent/messages?conversationId=${conv.id}&after=${encodeURIComponent(after)}`;
    for (const bad of [
      "0000-01-01T00:00:00Z",
      "0001-01-01T00:00:00+01:00",
      "1969-12-31T23:59:59Z",
      "9999-12-31T23:00:00-05:00",
    ]) {
      const err = await expectFieldError(await alice.request("GET", url(bad)), "after");
      expect(err.message).toContain("1970-01-01");
    }
    // Not a date-time at all: one issue, the format one.
    const err = await expectFieldError(await alice.request("GET", url("yesterday")), "after");
    expect(err.details).toHaveLength(1);
    for (const ok of ["1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "2025-01-01T00:00:00+07:00"]) {
      const res = await alice.request("GET", url(ok));
      expect(res.status, ok).toBe(200);
    }
  });

  it("GET /api/admin/traces/cost?from=&to=: out of range → 400 naming the parameter", async () => {
    const get = (q: string) => t.app.request(`/api/admin/traces/cost?${q}`, { headers: staffAuth });
    await expectFieldError(await get("from=0000-01-01T00:00:00Z"), "from");
    await expectFieldError(await get("by=conversation&to=0000-12-31T00:00:00Z"), "to");
    await expectFieldError(await get(`to=${encodeURIComponent("9999-12-31T23:30:00-01:00")}`), "to");
    for (const by of ["day", "conversation"]) {
      const res = await get(`by=${by}&from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z`);
      expect(res.status, by).toBe(200);
      expect(await res.json()).toEqual({ by, rows: [] });
    }
  });

  it("GET /api/analytics funnel dates: out of range → 400 naming the parameter; the edges → 200", async () => {
    const get = (q: string) => t.app.request(`/api/analytics?metric=funnel&${q}`, { headers: staffAuth });
    await expectFieldError(await get("startDate=0000-01-01&endDate=0000-12-31"), "startDate");
    await expectFieldError(await get("endDate=0001-01-03"), "endDate");
    await expectFieldError(await get("startDate=1969-12-31&endDate=1970-01-02"), "startDate");
    await expectFieldError(await get("startDate=2025-01-01&endDate=10000-01-01"), "endDate");
    const edges = [
      ["startDate=1970-01-01&endDate=1970-01-07", "1970-01-01", "1970-01-07"],
      // The default start (6 days before) may fall before 1970: computed, not a parameter.
      ["endDate=1970-01-01", "1969-12-26", "1970-01-01"],
      ["startDate=9999-12-25&endDate=9999-12-31", "9999-12-25", "9999-12-31"],
    ] as const;
    for (const [q, startDate, endDate] of edges) {
      const res = await get(q);
      expect(res.status, q).toBe(200);
      const { funnel } = (await res.json()) as { funnel: { startDate: string; endDate: string } };
      expect(funnel, q).toMatchObject({ startDate, endDate });
    }
  });
});
