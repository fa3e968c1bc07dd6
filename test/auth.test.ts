import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CacheKeys } from "../src/cache/keys.js";
import { staffSessions, staffUsers } from "../src/db/schema.js";
import { ensureOwner, hashPassword, sha256, verifyPassword } from "../src/services/staff-auth.js";
import { createTestApp, staffAuth } from "./helpers/app.js";

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** Each test app signs in from its own address, so failure counts never leak between runs on a shared Redis. */
const clientAddress = new WeakMap<TestApp, string>();

function login(t: TestApp, body: unknown) {
  let ip = clientAddress.get(t);
  if (!ip) {
    ip = `10.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}`;
    clientAddress.set(t, ip);
  }
  // The third argument stands in for the Node server's bindings, where the peer address lives.
  return t.app.request(
    "/api/auth/login",
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    { incoming: { socket: { remoteAddress: ip } } },
  );
}

function sessionCookie(res: Response): string {
  const header = res.headers.get("set-cookie") ?? "";
  const m = /sk_staff=([^;]+)/.exec(header);
  if (!m?.[1]) throw new Error(`no session cookie in ${header}`);
  return `sk_staff=${m[1]}`;
}

describe("staff auth", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("signs in with the right password and sets an httpOnly session cookie", async () => {
    const res = await login(t, { password: "test-password-123" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.staff).toMatchObject({ username: "admin", via: "session" });
    const header = res.headers.get("set-cookie") ?? "";
    expect(header).toMatch(/sk_staff=/);
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    expect(header).not.toMatch(/Secure/i);

    const me = await t.app.request("/api/auth/me", { headers: { cookie: sessionCookie(res) } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: "admin", via: "session" });
  });

  it("stores only the sha256 of the session token", async () => {
    const res = await login(t, { username: "admin", password: "test-password-123" });
    const token = sessionCookie(res).split("=")[1] as string;
    const rows = await t.deps.db.select().from(staffSessions);
    expect(rows.some((r) => r.tokenHash === sha256(token))).toBe(true);
    expect(rows.every((r) => r.tokenHash !== token)).toBe(true);
    const expires = rows.find((r) => r.tokenHash === sha256(token))?.expiresAt.getTime() ?? 0;
    expect(expires - Date.now()).toBeGreaterThan(6 * 24 * 3600 * 1000);
  });

  it("refuses a wrong password and an unknown user with 401 JSON", async () => {
    for (const body of [{ password: "nope" }, { username: "ghost", password: "test-password-123" }]) {
      const res = await login(t, body);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("rejects a login body without a password, naming the field", async () => {
    const res = await login(t, { username: "admin" });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.message).toContain("password");
  });

  it("logout really ends the session: the same cookie then gets 401", async () => {
    const cookie = sessionCookie(await login(t, { password: "test-password-123" }));
    // Warm the cache so the test proves the cached entry is dropped too.
    expect((await t.app.request("/api/auth/me", { headers: { cookie } })).status).toBe(200);
    const token = cookie.split("=")[1] as string;
    expect(await t.deps.cache.get(CacheKeys.authToken(sha256(token)))).toBeTruthy();

    const out = await t.app.request("/api/auth/logout", { method: "POST", headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/sk_staff=;/);
    expect(await t.deps.cache.get(CacheKeys.authToken(sha256(token)))).toBeUndefined();

    const me = await t.app.request("/api/auth/me", { headers: { cookie } });
    expect(me.status).toBe(401);
    expect(await me.json()).toMatchObject({ error: { code: "UNAUTHORIZED" } });
    const admin = await t.app.request("/api/admin/anything", { headers: { cookie } });
    expect(admin.status).toBe(401);
  });

  it("accepts the ADMIN_TOKEN bearer and refuses a wrong one", async () => {
    const ok = await t.app.request("/api/auth/me", { headers: staffAuth });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ username: "admin", via: "token" });

    for (const authorization of ["Bearer wrong-token-0123456789abc", "Bearer ", "Basic YWRtaW46eA=="]) {
      const res = await t.app.request("/api/auth/me", { headers: { authorization } });
      expect(res.status).toBe(401);
    }
  });

  it("lists staff accounts for the dashboard, without password hashes", async () => {
    const res = await t.app.request("/api/admin/staff", { headers: staffAuth });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.staff).toEqual([expect.objectContaining({ username: "admin", role: "owner" })]);
    expect(JSON.stringify(body)).not.toContain("scrypt");
  });

  it("refuses a forged or unknown session cookie", async () => {
    const res = await t.app.request("/api/auth/me", { headers: { cookie: "sk_staff=made-up-token" } });
    expect(res.status).toBe(401);
  });

  it("refuses an expired session", async () => {
    const [owner] = await t.deps.db.select().from(staffUsers);
    const token = "expired-session-token-for-test";
    await t.deps.db.insert(staffSessions).values({
      tokenHash: sha256(token),
      staffUserId: owner?.id as string,
      expiresAt: new Date(Date.now() - 1000),
    });
    const res = await t.app.request("/api/auth/me", { headers: { cookie: `sk_staff=${token}` } });
    expect(res.status).toBe(401);
  });
});

describe("login throttling", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers 429 after too many failures, even for the right password", async () => {
    for (let i = 0; i < 10; i++) expect((await login(t, { password: `wrong-${i}` })).status).toBe(401);
    const blocked = await login(t, { password: "test-password-123" });
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });
  });

  it("counts parallel attempts before checking them: a burst gets no more guesses than the limit", async () => {
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.app.request(
          "/api/auth/login",
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ password: `burst-${i}` }),
          },
          { incoming: { socket: { remoteAddress: "192.0.2.90" } } },
        ),
      ),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it("a successful sign-in does not use up the limit", async () => {
    const via = (password: string) =>
      t.app.request(
        "/api/auth/login",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ password }),
        },
        { incoming: { socket: { remoteAddress: "192.0.2.91" } } },
      );
    for (let i = 0; i < 12; i++) expect((await via("test-password-123")).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await via(`wrong-${i}`)).status).toBe(401);
    expect((await via("test-password-123")).status).toBe(429);
  });

  it("counts failures per client address", async () => {
    const other = await t.app.request(
      "/api/auth/login",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"password":"test-password-123"}',
      },
      { incoming: { socket: { remoteAddress: "192.0.2.77" } } },
    );
    expect(other.status).toBe(200);
  });
});

describe("owner account", () => {
  it("hashes with scrypt and a salt, and verifies", async () => {
    const a = await hashPassword("secret-1");
    const b = await hashPassword("secret-1");
    expect(a).not.toBe(b);
    expect(a.startsWith("scrypt$")).toBe(true);
    expect(await verifyPassword("secret-1", a)).toBe(true);
    expect(await verifyPassword("secret-2", a)).toBe(false);
    expect(await verifyPassword("secret-1", "garbage")).toBe(false);
  });

  it("creates a generated one-time password once, printed once, stored only as a hash", async () => {
    const t = await createTestApp({ env: { ADMIN_PASSWORD: "" } });
    try {
      // createTestApp already created the owner with a silent printer; start from scratch.
      await t.deps.db.delete(staffUsers);
      const printed: string[] = [];
      await ensureOwner(t.deps.db, t.deps.config, (l) => printed.push(l));
      await ensureOwner(t.deps.db, t.deps.config, (l) => printed.push(l));
      expect(printed).toHaveLength(1);
      const password = /Admin password \(shown once\): (\S+)/.exec(printed[0] ?? "")?.[1] as string;
      expect(password.length).toBeGreaterThanOrEqual(12);
      const [row] = await t.deps.db.select().from(staffUsers);
      expect(row?.passwordHash).not.toContain(password);
      expect((await login(t, { password })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it("marks the cookie Secure when PUBLIC_URL is https", async () => {
    const t = await createTestApp({ env: { PUBLIC_URL: "https://shop.example.com" } });
    try {
      const res = await login(t, { password: "test-password-123" });
      expect(res.headers.get("set-cookie")).toMatch(/; Secure/i);
    } finally {
      await t.close();
    }
  });

  it("ADMIN_PASSWORD resets the owner's password on start", async () => {
    const t = await createTestApp();
    try {
      await ensureOwner(t.deps.db, { admin: { password: "a-new-password-456" } });
      expect((await login(t, { password: "test-password-123" })).status).toBe(401);
      expect((await login(t, { password: "a-new-password-456" })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe("client address behind a proxy", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TRUSTED_PROXIES: "10.250.0.1" } });
  });
  afterAll(async () => {
    await t.close();
  });

  function loginVia(peer: string, forwardedFor: string, password: string) {
    return t.app.request(
      "/api/auth/login",
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
        body: JSON.stringify({ password }),
      },
      { incoming: { socket: { remoteAddress: peer } } },
    );
  }

  it("believes X-Forwarded-For only from a trusted proxy", async () => {
    const client = `198.51.100.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 10; i++) expect((await loginVia("10.250.0.1", client, "wrong")).status).toBe(401);
    expect((await loginVia("10.250.0.1", client, "test-password-123")).status).toBe(429);
    // Another client behind the same proxy is not blocked.
    expect((await loginVia("10.250.0.1", "198.51.100.251", "test-password-123")).status).toBe(200);
    // From an untrusted peer the header is ignored: it is counted as itself, not as `client`.
    expect((await loginVia("203.0.113.9", client, "test-password-123")).status).toBe(200);
  });

  it("reads X-Forwarded-For from the right: addresses the client wrote on the left prove nothing", async () => {
    const client = "203.0.113.50";
    // A proxy appends the address it saw; the client made up the rest, different every time.
    for (let i = 0; i < 10; i++) {
      expect((await loginVia("10.250.0.1", `198.51.100.${i}, ${client}`, "wrong")).status).toBe(401);
    }
    expect((await loginVia("10.250.0.1", `192.0.2.200, ${client}`, "test-password-123")).status).toBe(429);
    // A chain of trusted proxies is skipped: the client is the last address that is not one.
    expect((await loginVia("10.250.0.1", `${client}, 10.250.0.1`, "test-password-123")).status).toBe(429);
  });
});
