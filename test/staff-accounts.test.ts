/**
 * Staff accounts: POST/PATCH/DELETE /api/admin/staff (owner only), POST /api/admin/staff/me/password,
 * and `shopkeeper staff add|list`. Runs on PGlite, or PostgreSQL + Redis when DATABASE_URL/REDIS_URL are set.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStaff } from "../src/cli/staff.js";
import { openDatabase } from "../src/db/client.js";
import { orders, staffSessions, staffUsers } from "../src/db/schema.js";
import {
  createStaff,
  deleteStaff,
  OWNER_USERNAME,
  type StaffAccount,
  updateStaff,
} from "../src/services/staff-auth.js";
import { createTestApp, staffAuth, testConfig } from "./helpers/app.js";
import { customer, demoCart, orderBody } from "./orders/support.js";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type Member = StaffAccount;
type ErrorJson = { error: { code: string; message: string; details?: Array<{ field: string }> } };

const OWNER_PASSWORD = "test-password-123";

describe("staff accounts API", () => {
  let t: TestApp;
  /** Each test app signs in from its own address, so failure counts never leak between runs on a shared Redis. */
  let ip: string;

  beforeAll(async () => {
    t = await createTestApp();
    ip = `10.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
  });
  afterAll(async () => {
    await t.close();
  });

  function call(method: string, path: string, body?: unknown, headers: Record<string, string> = staffAuth) {
    return t.app.request(path, {
      method,
      headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  }

  async function login(username: string, password: string): Promise<Response> {
    return t.app.request(
      "/api/auth/login",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password }),
      },
      { incoming: { socket: { remoteAddress: ip } } },
    );
  }

  /** A session cookie header for `username`. */
  async function signIn(username: string, password: string): Promise<{ cookie: string }> {
    const res = await login(username, password);
    expect(res.status, `${username} signs in`).toBe(200);
    const m = /sk_staff=([^;]+)/.exec(res.headers.get("set-cookie") ?? "");
    if (!m?.[1]) throw new Error("no session cookie");
    return { cookie: `sk_staff=${m[1]}` };
  }

  async function add(body: Record<string, unknown>, headers: Record<string, string> = staffAuth) {
    const res = await call("POST", "/api/admin/staff", body, headers);
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Member;
  }

  async function expectError(res: Response, status: number, field?: string) {
    const text = await res.clone().text();
    expect(res.status, text).toBe(status);
    const body = (await res.json()) as ErrorJson;
    if (field) {
      expect(body.error.message.startsWith(`${field}:`), body.error.message).toBe(true);
      if (status === 400) expect(body.error.details?.map((d) => d.field)).toContain(field);
    }
    return body;
  }

  const me = async (headers: Record<string, string>) => call("GET", "/api/auth/me", undefined, headers);

  it("adds a staff member (201, never the hash) who can then sign in and see the list", async () => {
    const anna = await add({
      username: "anna",
      displayName: "Anna K",
      password: "anna-secret-1",
      telegramUserId: 5550001,
    });
    expect(anna).toMatchObject({
      username: "anna",
      displayName: "Anna K",
      role: "staff",
      telegramUserId: 5550001,
    });
    expect(JSON.stringify(anna)).not.toMatch(/hash|scrypt|anna-secret/i);
    const [row] = await t.deps.db.select().from(staffUsers).where(eq(staffUsers.id, anna.id));
    expect(row?.passwordHash).toMatch(/^scrypt\$/);

    const annaAuth = await signIn("anna", "anna-secret-1");
    expect(await (await me(annaAuth)).json()).toMatchObject({ id: anna.id, username: "anna" });
    // Any staff member sees the list: what an order's "Assigned to" offers.
    const list = await call("GET", "/api/admin/staff", undefined, annaAuth);
    expect(list.status).toBe(200);
    const { staff } = (await list.json()) as { staff: Member[] };
    expect(staff.map((s) => s.username)).toEqual(expect.arrayContaining([OWNER_USERNAME, "anna"]));
    expect(JSON.stringify(staff)).not.toMatch(/passwordHash|scrypt/);
  });

  it("documents the routes as staff operations, so test/staff-routes.test.ts walks them (401 without auth)", async () => {
    const doc = (await (await t.app.request("/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    for (const [path, method] of [
      ["/api/admin/staff", "get"],
      ["/api/admin/staff", "post"],
      ["/api/admin/staff/{id}", "patch"],
      ["/api/admin/staff/{id}", "delete"],
      ["/api/admin/staff/me/password", "post"],
    ] as const) {
      expect(doc.paths[path]?.[method]?.security?.length, `${method} ${path}`).toBeGreaterThan(0);
      const res = await call(
        method.toUpperCase(),
        path.replace("{id}", "00000000-0000-4000-8000-000000000000"),
        method === "get" || method === "delete" ? undefined : {},
        {},
      );
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it("lets an owner signed in with the dashboard add staff too", async () => {
    const owner = await signIn(OWNER_USERNAME, OWNER_PASSWORD);
    const m = await add({ username: "ben", password: "ben-secret-12" }, owner);
    expect(m.role).toBe("staff");
  });

  it("refuses a taken username with 409 naming it", async () => {
    const res = await call("POST", "/api/admin/staff", { username: "anna", password: "another-pass-1" });
    const body = await expectError(res, 409, "username");
    expect(body.error.message).toContain("anna");
    expect(body.error.code).toBe("CONFLICT");
  });

  it("refuses a Telegram user id already linked to someone else with 409 naming it", async () => {
    const res = await call("POST", "/api/admin/staff", {
      username: "carl",
      password: "carl-secret-1",
      telegramUserId: 5550001,
    });
    const body = await expectError(res, 409, "telegramUserId");
    expect(body.error.message).toContain("anna");
    expect((await t.deps.db.select().from(staffUsers).where(eq(staffUsers.username, "carl"))).length).toBe(0);
  });

  it("two parallel adds with one Telegram user id: one 201, one 409 naming telegramUserId", async () => {
    const responses = await Promise.all(
      ["tg-race-1", "tg-race-2"].map((username) =>
        call("POST", "/api/admin/staff", {
          username,
          password: `${username}-secret-1`,
          telegramUserId: 5550077,
        }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    const lost = responses.find((r) => r.status === 409) as Response;
    const body = await expectError(lost, 409, "telegramUserId");
    expect(body.error.code).toBe("CONFLICT");
    const linked = await t.deps.db.select().from(staffUsers).where(eq(staffUsers.telegramUserId, 5550077));
    expect(linked).toHaveLength(1);
    expect(body.error.message).toContain(linked[0]?.username);
  });

  it("answers 400 naming the field for every bad input, and writes nothing", async () => {
    const good = { username: "dora", password: "dora-secret-1" };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ password: "dora-secret-1" }, "username"],
      [{ ...good, username: "Dora" }, "username"],
      [{ ...good, username: "d" }, "username"],
      [{ ...good, username: "dora smith" }, "username"],
      [{ ...good, username: "x".repeat(33) }, "username"],
      [{ username: "dora" }, "password"],
      [{ ...good, password: "short" }, "password"],
      [{ ...good, password: "p".repeat(201) }, "password"],
      [{ ...good, role: "manager" }, "role"],
      [{ ...good, telegramUserId: -5 }, "telegramUserId"],
      [{ ...good, telegramUserId: 1.5 }, "telegramUserId"],
      [{ ...good, telegramUserId: "123" }, "telegramUserId"],
      [{ ...good, displayName: "" }, "displayName"],
      [{ ...good, passwordHash: "scrypt$1$1$1$x$y" }, "passwordHash"],
      [{ ...good, username: "do\u0000ra" }, "username"],
    ];
    for (const [body, field] of cases) {
      await expectError(await call("POST", "/api/admin/staff", body), 400, field);
    }
    expect((await t.deps.db.select().from(staffUsers).where(eq(staffUsers.username, "dora"))).length).toBe(0);
  });

  it("gives a non-owner 403 on every write, before looking at the body", async () => {
    const annaAuth = await signIn("anna", "anna-secret-1");
    const [owner] = await t.deps.db.select().from(staffUsers).where(eq(staffUsers.username, OWNER_USERNAME));
    const ownerId = owner?.id ?? "";
    const writes: Array<[string, string, unknown]> = [
      ["POST", "/api/admin/staff", { username: "eve", password: "eve-secret-12", role: "owner" }],
      ["POST", "/api/admin/staff", { nonsense: true }],
      ["PATCH", `/api/admin/staff/${ownerId}`, { role: "staff" }],
      ["PATCH", `/api/admin/staff/${ownerId}`, { password: "taken-over-1" }],
      ["PATCH", "/api/admin/staff/not-a-uuid", {}],
      ["DELETE", `/api/admin/staff/${ownerId}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(method, path, body, annaAuth);
      const err = await expectError(res, 403);
      expect(err.error.code, `${method} ${path}`).toBe("FORBIDDEN");
    }
    expect((await t.deps.db.select().from(staffUsers).where(eq(staffUsers.username, "eve"))).length).toBe(0);
    expect((await login(OWNER_USERNAME, OWNER_PASSWORD)).status).toBe(200);
  });

  it("edits display name, role and Telegram id; an empty PATCH changes nothing", async () => {
    const m = await add({ username: "fay", password: "fay-secret-12" });
    const path = `/api/admin/staff/${m.id}`;
    let res = await call("PATCH", path, { displayName: "Fay L", telegramUserId: 5550006 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ displayName: "Fay L", telegramUserId: 5550006, role: "staff" });

    res = await call("PATCH", path, { role: "owner" });
    expect(((await res.json()) as Member).role).toBe("owner");
    // Fay is now an owner: she may manage accounts.
    const fayAuth = await signIn("fay", "fay-secret-12");
    const byFay = await call(
      "POST",
      "/api/admin/staff",
      { username: "gus", password: "gus-secret-12" },
      fayAuth,
    );
    expect(byFay.status).toBe(201);

    res = await call("PATCH", path, { displayName: null, telegramUserId: null, role: "staff" });
    expect(await res.json()).toMatchObject({ displayName: null, telegramUserId: null, role: "staff" });
    // Demoted: writes are refused at once (the role is read on every write).
    expect(
      (await call("POST", "/api/admin/staff", { username: "hal", password: "hal-secret-12" }, fayAuth))
        .status,
    ).toBe(403);

    const before = await t.deps.db.select().from(staffUsers).where(eq(staffUsers.id, m.id));
    res = await call("PATCH", path, {});
    expect(res.status).toBe(200);
    expect(((await res.json()) as Member).username).toBe("fay");
    const after = await t.deps.db.select().from(staffUsers).where(eq(staffUsers.id, m.id));
    expect(after).toEqual(before);
  });

  it("validates PATCH: 400 naming the field, 404 for an unknown account, 409 for a taken Telegram id", async () => {
    const m = await add({ username: "ida", password: "ida-secret-12" });
    const path = `/api/admin/staff/${m.id}`;
    await expectError(await call("PATCH", path, { role: "boss" }), 400, "role");
    await expectError(await call("PATCH", path, { password: "short" }), 400, "password");
    await expectError(await call("PATCH", path, { telegramUserId: 0 }), 400, "telegramUserId");
    await expectError(await call("PATCH", path, { displayName: "  " }), 400, "displayName");
    await expectError(await call("PATCH", path, { username: "renamed" }), 400, "username");
    await expectError(await call("PATCH", "/api/admin/staff/not-a-uuid", {}), 400, "id");
    await expectError(
      await call("PATCH", "/api/admin/staff/00000000-0000-4000-8000-000000000000", { displayName: "X" }),
      404,
    );
    await expectError(await call("PATCH", path, { telegramUserId: 5550001 }), 409, "telegramUserId");
    // Its own Telegram id again is fine.
    await call("PATCH", path, { telegramUserId: 5550009 });
    expect((await call("PATCH", path, { telegramUserId: 5550009 })).status).toBe(200);
  });

  it("an owner's password reset ends the member's sessions at once; the new password works", async () => {
    const m = await add({ username: "jan", password: "jan-secret-12" });
    const janAuth = await signIn("jan", "jan-secret-12");
    expect((await me(janAuth)).status).toBe(200); // now cached
    const res = await call("PATCH", `/api/admin/staff/${m.id}`, { password: "jan-new-pass-1" });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).not.toContain("jan-new-pass-1");
    expect((await me(janAuth)).status).toBe(401);
    expect((await login("jan", "jan-secret-12")).status).toBe(401);
    expect((await login("jan", "jan-new-pass-1")).status).toBe(200);
  });

  it("an owner cannot reset their own password without the current one", async () => {
    const owner = await signIn(OWNER_USERNAME, OWNER_PASSWORD);
    const ownerId = ((await (await me(owner)).json()) as { id: string }).id;
    await expectError(
      await call("PATCH", `/api/admin/staff/${ownerId}`, { password: "no-old-needed-1" }, owner),
      400,
      "password",
    );
    expect((await login(OWNER_USERNAME, OWNER_PASSWORD)).status).toBe(200);
  });

  it("never leaves the shop without an owner, and keeps the built-in admin an owner", async () => {
    const [admin] = await t.deps.db.select().from(staffUsers).where(eq(staffUsers.username, OWNER_USERNAME));
    const adminPath = `/api/admin/staff/${admin?.id}`;
    // Make sure admin is the only owner here.
    const owners = await t.deps.db.select().from(staffUsers).where(eq(staffUsers.role, "owner"));
    expect(owners.map((o) => o.username)).toEqual([OWNER_USERNAME]);

    let err = await expectError(await call("PATCH", adminPath, { role: "staff" }), 409);
    expect(err.error.message).toMatch(/last owner/i);
    err = await expectError(await call("DELETE", adminPath), 409);
    expect(err.error.message).toMatch(/last owner/i);

    // With a second owner, admin still stays: ADMIN_PASSWORD recovers it and ADMIN_TOKEN acts as it.
    const kim = await add({ username: "kim", password: "kim-secret-12", role: "owner" });
    err = await expectError(await call("PATCH", adminPath, { role: "staff" }), 409);
    expect(err.error.message).toContain(OWNER_USERNAME);
    err = await expectError(await call("DELETE", adminPath), 409);
    expect(err.error.message).toContain(OWNER_USERNAME);
    // Another owner can be demoted or deleted while an owner remains.
    expect((await call("PATCH", `/api/admin/staff/${kim.id}`, { role: "staff" })).status).toBe(200);
    expect((await call("PATCH", `/api/admin/staff/${kim.id}`, { role: "owner" })).status).toBe(200);
    expect((await call("DELETE", `/api/admin/staff/${kim.id}`)).status).toBe(200);
    expect((await t.deps.db.select().from(staffUsers).where(eq(staffUsers.role, "owner"))).length).toBe(1);
  });

  it("deletes an account: sessions end at once, their orders become unassigned, 404 afterwards", async () => {
    const m = await add({ username: "lea", password: "lea-secret-12" });
    const leaAuth = await signIn("lea", "lea-secret-12");
    expect((await me(leaAuth)).status).toBe(200); // the session is cached now

    const cart = await demoCart(t.deps);
    const buyer = customer(t.app);
    const placed = await buyer.request("POST", "/api/orders", orderBody(cart.items));
    expect(placed.status).toBe(201);
    const order = (await placed.json()) as { id: string };
    const assign = await call("POST", `/api/admin/orders/${order.id}/assign`, { staffId: m.id }, leaAuth);
    expect(assign.status).toBe(200);
    // The customer's view of the order is cached with the assignment in it.
    expect((await buyer.request("GET", `/api/orders?orderId=${order.id}`)).status).toBe(200);

    const res = await call("DELETE", `/api/admin/staff/${m.id}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ deleted: true, unassignedOrders: 1 });

    expect((await me(leaAuth)).status).toBe(401);
    expect((await login("lea", "lea-secret-12")).status).toBe(401);
    expect(await t.deps.db.select().from(staffSessions).where(eq(staffSessions.staffUserId, m.id))).toEqual(
      [],
    );
    const [row] = await t.deps.db.select().from(orders).where(eq(orders.id, order.id));
    expect(row?.assignedTo).toBeNull();
    const staffView = await call("GET", `/api/orders?orderId=${order.id}`);
    expect(JSON.stringify(await staffView.json())).not.toContain(m.id);
    const { staff } = (await (await call("GET", "/api/admin/staff")).json()) as { staff: Member[] };
    expect(staff.map((s) => s.username)).not.toContain("lea");

    await expectError(await call("DELETE", `/api/admin/staff/${m.id}`), 404);
    await expectError(await call("DELETE", "/api/admin/staff/nope"), 400, "id");
  });

  describe("changing your own password", () => {
    it("needs the current password; ends your other sessions and keeps this one", async () => {
      await add({ username: "max", password: "max-secret-12" });
      const here = await signIn("max", "max-secret-12");
      const elsewhere = await signIn("max", "max-secret-12");
      expect((await me(elsewhere)).status).toBe(200);
      const path = "/api/admin/staff/me/password";

      await expectError(
        await call("POST", path, { currentPassword: "wrong-pass-1", newPassword: "max-new-pass-1" }, here),
        400,
        "currentPassword",
      );
      await expectError(
        await call("POST", path, { currentPassword: "max-secret-12", newPassword: "short" }, here),
        400,
        "newPassword",
      );
      await expectError(
        await call("POST", path, { newPassword: "max-new-pass-1" }, here),
        400,
        "currentPassword",
      );
      await expectError(
        await call("POST", path, { currentPassword: "max-secret-12", newPassword: "max-secret-12" }, here),
        400,
        "newPassword",
      );

      const ok = await call(
        "POST",
        path,
        { currentPassword: "max-secret-12", newPassword: "max-new-pass-1" },
        here,
      );
      expect(ok.status, await ok.clone().text()).toBe(200);
      expect(await ok.json()).toEqual({ ok: true, revokedSessions: 1 });
      expect((await me(here)).status).toBe(200);
      expect((await me(elsewhere)).status).toBe(401);
      expect((await login("max", "max-secret-12")).status).toBe(401);
      expect((await login("max", "max-new-pass-1")).status).toBe(200);
    });

    it("throttles wrong current passwords per account (429)", async () => {
      await add({ username: "ned", password: "ned-secret-12" });
      const ned = await signIn("ned", "ned-secret-12");
      const body = { currentPassword: "guess-wrong-1", newPassword: "ned-new-pass-1" };
      for (let i = 0; i < 10; i++)
        expect((await call("POST", "/api/admin/staff/me/password", body, ned)).status).toBe(400);
      await expectError(await call("POST", "/api/admin/staff/me/password", body, ned), 429);
    });
  });
});

describe("staff account rules in the service", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("refuses to delete or demote the last owner even when it is not admin", async () => {
    const boss = await createStaff(t.deps.db, { username: "boss", password: "boss-secret-1", role: "owner" });
    // A shop whose admin account is gone (an older install, or removed by hand in the database).
    await t.deps.db.delete(staffUsers).where(eq(staffUsers.username, OWNER_USERNAME));
    await expect(updateStaff(t.deps, boss.id, { role: "staff" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/last owner/i),
    });
    await expect(deleteStaff(t.deps, boss.id)).rejects.toMatchObject({ code: "CONFLICT" });
    // Two parallel demotions of two owners: one of them must fail.
    const other = await createStaff(t.deps.db, {
      username: "boss2",
      password: "boss-secret-2",
      role: "owner",
    });
    const results = await Promise.allSettled([
      updateStaff(t.deps, boss.id, { role: "staff" }),
      updateStaff(t.deps, other.id, { role: "staff" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await t.deps.db.select().from(staffUsers).where(eq(staffUsers.role, "owner"))).length).toBe(1);
  });

  it("two parallel adds of one username: one 201, one 409", async () => {
    const results = await Promise.allSettled([
      createStaff(t.deps.db, { username: "twin", password: "twin-secret-1" }),
      createStaff(t.deps.db, { username: "twin", password: "twin-secret-2" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("twin") });
  });

  it("two parallel links of one Telegram user id to two accounts: one succeeds, one 409", async () => {
    const [a, b] = await Promise.all(
      ["link-race-1", "link-race-2"].map((username) =>
        createStaff(t.deps.db, { username, password: `${username}-secret-1` }),
      ),
    );
    const results = await Promise.allSettled(
      [a, b].map((m) => updateStaff(t.deps, (m as { id: string }).id, { telegramUserId: 5550088 })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({
      code: "CONFLICT",
      details: [{ field: "telegramUserId" }],
    });
    expect(
      (await t.deps.db.select().from(staffUsers).where(eq(staffUsers.telegramUserId, 5550088))).length,
    ).toBe(1);
  });
});

describe("shopkeeper staff add|list", () => {
  const dir = mkdtempSync(join(tmpdir(), "sk-staff-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Its own embedded database in a temporary DATA_DIR (never the shared test PostgreSQL).
  const config = testConfig({ DATA_DIR: dir, ADMIN_PASSWORD: undefined, DATABASE_URL: undefined });

  async function run(args: string[]) {
    let out = "";
    let err = "";
    const code = await runStaff(
      config,
      args,
      (s) => {
        out += s;
      },
      (s) => {
        err += s;
      },
    );
    return { code, out, err };
  }

  it("adds a member with a printed one-time password that signs in, and lists everyone", {
    timeout: 90_000,
  }, async () => {
    const added = await run(["add", "olga", "--role", "owner", "--telegram", "777001", "--name", "Olga P"]);
    expect(added.err).toBe("");
    expect(added.code).toBe(0);
    // A fresh database: the owner is created first (its one-time password printed), then Olga.
    expect(added.out).toMatch(/Admin password \(shown once\): \S+ {2}\(user: admin\)/);
    const password = /One-time password \(shown once\): (\S+) {2}\(user: olga\)/.exec(added.out)?.[1];
    expect(password).toBeDefined();
    expect(password?.length).toBeGreaterThanOrEqual(16);

    const listed = await run(["list"]);
    expect(listed.code).toBe(0);
    const lines = listed.out.trim().split("\n");
    expect(lines[0]).toMatch(/^username\s+role\s+name\s+telegram\s+created$/);
    expect(lines.find((l) => l.startsWith("olga"))).toMatch(
      /^olga\s+owner\s+Olga P\s+777001\s+\d{4}-\d{2}-\d{2}$/,
    );
    expect(lines.some((l) => l.startsWith("admin "))).toBe(true);

    const again = await run(["add", "olga"]);
    expect(again.code).toBe(1);
    expect(again.err).toContain('username: "olga" is already taken');

    // The printed password is the account's password.
    const db = await openDatabase({ dataDir: dir });
    try {
      const { verifyPassword } = await import("../src/services/staff-auth.js");
      const [row] = await db.db.select().from(staffUsers).where(eq(staffUsers.username, "olga"));
      expect(row?.role).toBe("owner");
      expect(row?.telegramUserId).toBe(777001);
      expect(await verifyPassword(password ?? "", row?.passwordHash ?? "")).toBe(true);
    } finally {
      await db.close();
    }
  });

  it("refuses bad arguments with the usage (exit 2) and bad values by name (exit 1)", async () => {
    for (const args of [
      [],
      ["remove", "x"],
      ["add"],
      ["add", "pat", "--role", "boss"],
      ["add", "pat", "--telegram", "abc"],
      ["add", "pat", "--nope"],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toContain("Usage:");
    }
    const bad = await run(["add", "Pat"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^username: /);
  });
});
