/**
 * Edge cases of the customer edits and the per-customer admin routes: an empty patch is a 200
 * no-op (nothing written, nothing invalidated), and an unknown customer is a 404 on every
 * per-customer route.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { userProfiles } from "../../src/db/schema.js";
import { getProfileById, updateProfile } from "../../src/services/profiles.js";
import { createTestApp } from "../helpers/app.js";
import { type Json, requester } from "./support.js";

const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const UNKNOWN_FACT = "00000000-0000-4000-8000-000000000001";

describe("empty patches and unknown customers", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const me = { cookie: "", id: "" };

  const req = requester(() => t.app);

  /** Watches for any profile write and any cache invalidation while `run` runs. */
  async function expectNoWrites(run: () => Promise<void>) {
    const update = vi.spyOn(t.deps.db, "update");
    const del = vi.spyOn(t.deps.cache, "delete");
    await run();
    expect(update).not.toHaveBeenCalled();
    expect(del).not.toHaveBeenCalled();
  }

  beforeAll(async () => {
    t = await createTestApp();
    const r = await req("/api/me");
    me.cookie = (r.res.headers.get("set-cookie") ?? "").split(";")[0]!;
    me.id = r.body.id as string;
    const named = await req("/api/me", {
      method: "PATCH",
      cookie: me.cookie,
      body: { displayName: "Ann", language: "en" },
    });
    expect(named.status).toBe(200);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await t.close();
  });

  it("PATCH /api/me with {} is a 200 that returns the profile unchanged and writes nothing", async () => {
    const before = await req("/api/me", { cookie: me.cookie });
    const rowBefore = await getProfileById(t.deps, me.id);
    await expectNoWrites(async () => {
      const r = await req("/api/me", { method: "PATCH", cookie: me.cookie, body: {} });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual(before.body);
      expect(r.body).toMatchObject({ id: me.id, displayName: "Ann", language: "en" });
    });
    expect(await getProfileById(t.deps, me.id)).toEqual(rowBefore);
  });

  it("PATCH /api/admin/customers/{id} with {} (or an empty preferences) is a 200 no-op", async () => {
    // A stale stored score shows whether anything (even the completeness recount) was written.
    await t.deps.db.update(userProfiles).set({ completenessScore: 0.999 }).where(eq(userProfiles.id, me.id));
    const rowBefore = await getProfileById(t.deps, me.id);
    for (const body of [{}, { preferences: {} }]) {
      await expectNoWrites(async () => {
        const r = await req(`/api/admin/customers/${me.id}`, { method: "PATCH", staff: true, body });
        expect(r.status, JSON.stringify(body)).toBe(200);
        expect(r.body, JSON.stringify(body)).toEqual(rowBefore);
      });
    }
    expect(await getProfileById(t.deps, me.id)).toEqual(rowBefore);
    // A real edit still works, and an empty patch of an unknown customer is still a 404.
    const tagged = await req(`/api/admin/customers/${me.id}`, {
      method: "PATCH",
      staff: true,
      body: { tags: ["vip"] },
    });
    expect(tagged.status).toBe(200);
    expect(tagged.body).toMatchObject({ id: me.id, tags: ["vip"], displayName: "Ann" });
    const unknown = await req(`/api/admin/customers/${UNKNOWN}`, { method: "PATCH", staff: true, body: {} });
    expect(unknown.status).toBe(404);
    expect((unknown.body.error as Json).code).toBe("NOT_FOUND");
  });

  it("updateProfile with only undefined values (or an empty preferences) changes nothing", async () => {
    const rowBefore = await getProfileById(t.deps, me.id);
    await expectNoWrites(async () => {
      expect(await updateProfile(t.deps, me.id, {})).toEqual(rowBefore);
      expect(
        await updateProfile(t.deps, me.id, { displayName: undefined, tags: undefined, isBlocked: undefined }),
      ).toEqual(rowBefore);
      expect(await updateProfile(t.deps, me.id, { preferences: {} })).toEqual(rowBefore);
    });
    // Defined fields next to undefined ones are still applied; preferences still merge.
    const updated = await updateProfile(t.deps, me.id, {
      displayName: undefined,
      notes: "likes mornings",
      preferences: { paymentMethod: "cash" },
    });
    expect(updated).toMatchObject({
      displayName: "Ann",
      notes: "likes mornings",
      preferences: { language: "en", paymentMethod: "cash" },
    });
    await expect(updateProfile(t.deps, UNKNOWN, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("every per-customer admin route answers 404 for an unknown customer", async () => {
    const fact = { content: "Prefers delivery after 6 pm", factType: "logistics", category: "delivery" };
    const routes: Array<[method: string, path: string, body?: unknown]> = [
      ["GET", `/api/admin/customers/${UNKNOWN}`],
      ["PATCH", `/api/admin/customers/${UNKNOWN}`, { tags: ["vip"] }],
      ["GET", `/api/admin/customers/${UNKNOWN}/context`],
      ["GET", `/api/admin/customers/${UNKNOWN}/conversations`],
      ["GET", `/api/admin/customers/${UNKNOWN}/orders`],
      ["GET", `/api/admin/customers/${UNKNOWN}/facts`],
      ["POST", `/api/admin/customers/${UNKNOWN}/facts`, fact],
      ["PATCH", `/api/admin/customers/${UNKNOWN}/facts/${UNKNOWN_FACT}`, { content: "Corrected" }],
      ["DELETE", `/api/admin/customers/${UNKNOWN}/facts/${UNKNOWN_FACT}`],
      ["DELETE", `/api/admin/customers/${UNKNOWN}/memory`],
      ["DELETE", `/api/admin/customers/${UNKNOWN}`],
    ];
    for (const [method, path, body] of routes) {
      const r = await req(path, { method, staff: true, body });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.error, `${method} ${path}`).toMatchObject({
        code: "NOT_FOUND",
        message: "Customer not found",
      });
    }
    // The known customer's lists still answer 200.
    for (const sub of ["conversations", "orders", "facts"]) {
      const r = await req(`/api/admin/customers/${me.id}/${sub}`, { staff: true });
      expect(r.status, sub).toBe(200);
      expect(r.body.items, sub).toEqual([]);
    }
  });
});
