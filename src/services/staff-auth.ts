/**
 * Staff authentication: the owner account created on first start, password hashing (scrypt),
 * sessions stored only as sha256 hashes, the ADMIN_TOKEN bearer check and login throttling.
 */
import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import { consumeRateLimits, refundRateLimit } from "../cache/rate-limit.js";
import type { AppCache } from "../cache/types.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { DbOrTx } from "../db/client.js";
import { staffSessions, staffUsers } from "../db/schema.js";
import { AppError } from "../errors.js";

export const OWNER_USERNAME = "admin";
/** How long a dashboard session lasts. @default 7 days */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Failed sign-ins allowed per client IP within LOGIN_WINDOW_SECONDS before 429. */
export const LOGIN_MAX_FAILURES = 10;
export const LOGIN_WINDOW_SECONDS = 15 * 60;

export interface StaffIdentity {
  id: string;
  username: string;
  via: "session" | "token";
}

// ------------------------------------------------------------------ passwords
// N=2^14, r=8: ~16 MB and tens of milliseconds per hash, Node's own defaults for scrypt.
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url): the parameters travel with the hash so they can change later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, SCRYPT);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), key.toString("base64url")].join(
    "$",
  );
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, saltB64, hashB64] = stored.split("$");
  if (alg !== "scrypt" || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, "base64url");
  const key = await scryptAsync(password, Buffer.from(saltB64, "base64url"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// ------------------------------------------------------------------ owner account
/**
 * Makes sure a staff account exists. The first start creates `admin` with ADMIN_PASSWORD, or a
 * generated one-time password that is printed once (only its hash is stored). When ADMIN_PASSWORD
 * is set and the owner's password differs, it is reset to it: the way to recover a lost password.
 */
export async function ensureOwner(
  db: DbOrTx,
  config: Pick<Config, "admin">,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const wanted = config.admin.password;
  const [existing] = await db.select().from(staffUsers).limit(1);
  if (!existing) {
    const password = wanted ?? randomBytes(12).toString("base64url");
    const inserted = await db
      .insert(staffUsers)
      .values({ username: OWNER_USERNAME, passwordHash: await hashPassword(password), role: "owner" })
      // Several instances may start at once: only the one whose insert lands prints the password.
      .onConflictDoNothing()
      .returning({ id: staffUsers.id });
    if (inserted.length > 0 && !wanted)
      print(`Admin password (shown once): ${password}  (user: ${OWNER_USERNAME})`);
    return;
  }
  if (!wanted) return;
  const [owner] = await db.select().from(staffUsers).where(eq(staffUsers.username, OWNER_USERNAME));
  if (owner && !(await verifyPassword(wanted, owner.passwordHash))) {
    await db
      .update(staffUsers)
      .set({ passwordHash: await hashPassword(wanted) })
      .where(eq(staffUsers.id, owner.id));
  }
}

// ------------------------------------------------------------------ sessions
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Cached session, JSON-shaped so the memory and Redis tiers return the same thing. */
interface CachedSession {
  staffId: string;
  username: string;
  expiresAt: string;
}

export interface AuthDeps {
  db: DbOrTx;
  cache: AppCache;
  clock: Clock;
}

/** Checks the password and opens a session; returns the raw token (it exists only in the cookie). */
export async function signIn(
  deps: AuthDeps,
  input: { username?: string; password: string },
): Promise<{ token: string; expiresAt: Date; staff: StaffIdentity }> {
  const username = input.username?.trim() || OWNER_USERNAME;
  const [user] = await deps.db.select().from(staffUsers).where(eq(staffUsers.username, username));
  // Hash even for an unknown user, so response time does not reveal which usernames exist.
  const ok = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyPassword(input.password, DUMMY_HASH).then(() => false);
  if (!user || !ok) throw new AppError("UNAUTHORIZED", "Wrong username or password");
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(deps.clock.now().getTime() + SESSION_TTL_MS);
  await deps.db.insert(staffSessions).values({ tokenHash: sha256(token), staffUserId: user.id, expiresAt });
  return { token, expiresAt, staff: { id: user.id, username: user.username, via: "session" } };
}

const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString("base64url")}$${Buffer.alloc(32).toString("base64url")}`;

/** The staff member behind a session token, or undefined when unknown, revoked or expired. */
export async function sessionStaff(deps: AuthDeps, token: string): Promise<StaffIdentity | undefined> {
  const hash = sha256(token);
  const cached = await deps.cache.getOrSet<CachedSession | null>(
    CacheKeys.authToken(hash),
    () => loadSession(deps.db, hash, deps.clock.now()),
    { ttl: CacheTTL.authToken },
  );
  // The cache entry may outlive the session's own expiry: check it on every hit.
  if (!cached || new Date(cached.expiresAt).getTime() <= deps.clock.now().getTime()) return undefined;
  return { id: cached.staffId, username: cached.username, via: "session" };
}

async function loadSession(db: DbOrTx, hash: string, now: Date): Promise<CachedSession | null> {
  const [row] = await db
    .select({ staffId: staffUsers.id, username: staffUsers.username, expiresAt: staffSessions.expiresAt })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
    .where(
      and(
        eq(staffSessions.tokenHash, hash),
        isNull(staffSessions.revokedAt),
        gt(staffSessions.expiresAt, now),
      ),
    );
  return row
    ? { staffId: row.staffId, username: row.username, expiresAt: row.expiresAt.toISOString() }
    : null;
}

/** Ends a session for good: revoked in the database and dropped from every cache tier. */
export async function signOut(deps: AuthDeps, token: string): Promise<void> {
  const hash = sha256(token);
  await deps.db
    .update(staffSessions)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(staffSessions.tokenHash, hash), isNull(staffSessions.revokedAt)));
  await deps.cache.delete(CacheKeys.authToken(hash));
}

// ------------------------------------------------------------------ bearer token
/** Constant-time comparison of a presented bearer token with ADMIN_TOKEN (hashing equalises lengths). */
export function isAdminToken(presented: string, adminToken: string | undefined): boolean {
  if (!adminToken) return false;
  return timingSafeEqual(Buffer.from(sha256(presented), "hex"), Buffer.from(sha256(adminToken), "hex"));
}

/** Scripts act as the owner, so anything they write (assignments, notes) names a real staff account. */
export async function ownerIdentity(db: DbOrTx): Promise<StaffIdentity> {
  const [owner] = await db
    .select({ id: staffUsers.id, username: staffUsers.username })
    .from(staffUsers)
    .orderBy(sql`case when ${staffUsers.role} = 'owner' then 0 else 1 end`, staffUsers.createdAt)
    .limit(1);
  if (!owner) throw new AppError("UNAVAILABLE", "No staff account exists yet");
  return { id: owner.id, username: owner.username, via: "token" };
}

// ------------------------------------------------------------------ throttling
const LOGIN_RULE = { points: LOGIN_MAX_FAILURES, duration: LOGIN_WINDOW_SECONDS };

/**
 * Sign-in with per-IP throttling: the one entry point the login route calls. Each attempt is
 * counted atomically *before* the password is checked (so parallel guesses cannot all pass the
 * check before any failure is recorded); one that succeeds, or fails for another reason than a
 * wrong password, gives its count back. So only failures use up the LOGIN_MAX_FAILURES.
 */
export async function attemptSignIn(
  deps: AuthDeps,
  ip: string,
  input: { username?: string; password: string },
): ReturnType<typeof signIn> {
  const key = `login:${ip}`;
  const [counted] = await consumeRateLimits(deps, [{ key, rule: LOGIN_RULE }]);
  if (!counted?.allowed) {
    const minutes = Math.ceil((counted?.retryAfterSeconds ?? LOGIN_WINDOW_SECONDS) / 60);
    throw new AppError("RATE_LIMITED", `Too many failed sign-in attempts; try again in ${minutes} min`);
  }
  try {
    const signedIn = await signIn(deps, input);
    await refundRateLimit(deps, key, LOGIN_RULE);
    return signedIn;
  } catch (e) {
    if (!(e instanceof AppError && e.code === "UNAUTHORIZED")) await refundRateLimit(deps, key, LOGIN_RULE);
    throw e;
  }
}

/** Staff accounts for the dashboard (order assignment); never the password hashes. */
export async function listStaff(db: DbOrTx) {
  return db
    .select({
      id: staffUsers.id,
      username: staffUsers.username,
      displayName: staffUsers.displayName,
      role: staffUsers.role,
    })
    .from(staffUsers)
    .orderBy(staffUsers.createdAt);
}
