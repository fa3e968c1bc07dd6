/**
 * Staff authentication: the owner account created on first start, password hashing (scrypt),
 * sessions stored only as sha256 hashes, the ADMIN_TOKEN bearer check and login throttling.
 */
import { createHash, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import { consumeRateLimits, refundRateLimit } from "../cache/rate-limit.js";
import type { AppCache } from "../cache/types.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config.js";
import type { DbOrTx } from "../db/client.js";
import { orders, staffSessions, staffUsers } from "../db/schema.js";
import { AppError } from "../errors.js";
import { orderCacheKeys } from "./orders/create.js";

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
    const password = wanted ?? generatePassword();
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

// ------------------------------------------------------------------ staff accounts
/** The two roles: an owner manages staff accounts; staff run the shop (orders, customers…). */
export const STAFF_ROLES = ["owner", "staff"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Password length for staff accounts (NIST's minimum; the login form accepts up to 200). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;
/** Usernames are what people type at sign-in (compared exactly): kept simple and lower-case. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,31}$/;
export const USERNAME_RULE =
  "use 2-32 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";

/** A staff account as the API shows it: never the password hash. */
export interface StaffAccount {
  id: string;
  username: string;
  displayName: string | null;
  role: string;
  telegramUserId: number | null;
  createdAt: string;
}

const accountColumns = {
  id: staffUsers.id,
  username: staffUsers.username,
  displayName: staffUsers.displayName,
  role: staffUsers.role,
  telegramUserId: staffUsers.telegramUserId,
  createdAt: staffUsers.createdAt,
};

function toAccount(row: {
  id: string;
  username: string;
  displayName: string | null;
  role: string;
  telegramUserId: number | null;
  createdAt: Date;
}): StaffAccount {
  return { ...row, createdAt: row.createdAt.toISOString() };
}

/** Staff accounts for the dashboard (order assignment, the Staff page), oldest first; never the password hashes. */
export async function listStaff(db: DbOrTx): Promise<StaffAccount[]> {
  const rows = await db.select(accountColumns).from(staffUsers).orderBy(staffUsers.createdAt);
  return rows.map(toAccount);
}

/** A one-time password to hand to a new staff member (the same kind ensureOwner prints). */
export function generatePassword(): string {
  return randomBytes(12).toString("base64url");
}

/** The API validates these with the same rules; the service checks again for the CLI and other callers. */
function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) throw AppError.validation("username", USERNAME_RULE);
}

function checkPassword(password: string, field = "password"): void {
  if (password.length < PASSWORD_MIN_LENGTH)
    throw AppError.validation(field, `must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH)
    throw AppError.validation(field, `must be at most ${PASSWORD_MAX_LENGTH} characters`);
}

function checkRole(role: string): asserts role is StaffRole {
  if (!(STAFF_ROLES as readonly string[]).includes(role))
    throw AppError.validation("role", `must be one of ${STAFF_ROLES.join(", ")}`);
}

function checkTelegramId(id: number | null | undefined): void {
  if (id == null) return;
  if (!Number.isSafeInteger(id) || id <= 0)
    throw AppError.validation("telegramUserId", "must be a positive whole number (a Telegram user id)");
}

/**
 * One Telegram account maps to one staff member (replies in the staff chat are signed by it).
 * This check names the holder; the unique index `staff_users_telegram_user_idx` decides races.
 */
async function checkTelegramFree(db: DbOrTx, telegramUserId: number, exceptId?: string): Promise<void> {
  const [taken] = await db
    .select({ username: staffUsers.username })
    .from(staffUsers)
    .where(
      exceptId
        ? and(eq(staffUsers.telegramUserId, telegramUserId), ne(staffUsers.id, exceptId))
        : eq(staffUsers.telegramUserId, telegramUserId),
    );
  if (taken) throw telegramTaken(`"${taken.username}"`);
}

function telegramTaken(holder: string): AppError {
  return new AppError("CONFLICT", `telegramUserId: already linked to staff account ${holder}`, {
    details: [{ field: "telegramUserId", message: `already linked to ${holder}` }],
  });
}

const TELEGRAM_UNIQUE_INDEX = "staff_users_telegram_user_idx";

/**
 * Whether `err` is PostgreSQL's unique_violation (23505) on `constraint`, as thrown by postgres.js
 * (`constraint_name`) or PGlite (`constraint`), possibly wrapped by drizzle (`cause`).
 */
function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; e = (e as Error).cause, depth++) {
    const pg = e as { code?: unknown; constraint_name?: unknown; constraint?: unknown };
    if (pg.code === "23505") return (pg.constraint_name ?? pg.constraint) === constraint;
  }
  return false;
}

/**
 * The 409 for a Telegram id another account took between the check and the write (the unique
 * index refused it): named like checkTelegramFree when the holder can still be read.
 */
async function telegramLostRace(db: DbOrTx, telegramUserId: number, exceptId?: string): Promise<AppError> {
  try {
    await checkTelegramFree(db, telegramUserId, exceptId);
  } catch (e) {
    if (e instanceof AppError) return e;
  }
  return telegramTaken("another staff account");
}

/**
 * Whether the caller may manage staff accounts: an owner, or a script with ADMIN_TOKEN (which acts
 * as the owner account).
 */
export async function isOwner(db: DbOrTx, staff: StaffIdentity): Promise<boolean> {
  if (staff.via === "token") return true;
  const [row] = await db
    .select({ role: staffUsers.role })
    .from(staffUsers)
    .where(eq(staffUsers.id, staff.id));
  return row?.role === "owner";
}

export interface NewStaff {
  username: string;
  displayName?: string | null;
  role?: StaffRole;
  password: string;
  telegramUserId?: number | null;
}

/** Adds a staff account. A taken username (or Telegram id) is a 409 naming it. */
export async function createStaff(db: DbOrTx, input: NewStaff): Promise<StaffAccount> {
  const role = input.role ?? "staff";
  checkUsername(input.username);
  checkRole(role);
  checkPassword(input.password);
  checkTelegramId(input.telegramUserId);
  const telegramUserId = input.telegramUserId ?? null;
  if (telegramUserId != null) await checkTelegramFree(db, telegramUserId);
  const [row] = await db
    .insert(staffUsers)
    .values({
      username: input.username,
      displayName: input.displayName ?? null,
      role,
      passwordHash: await hashPassword(input.password),
      telegramUserId,
    })
    // The unique indexes decide (username, Telegram id), so two parallel requests for one
    // username or one Telegram id cannot both succeed.
    .onConflictDoNothing()
    .returning(accountColumns);
  if (!row) {
    const [sameName] = await db
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(eq(staffUsers.username, input.username));
    if (sameName || telegramUserId == null) throw usernameTaken(input.username);
    throw await telegramLostRace(db, telegramUserId);
  }
  return toAccount(row);
}

function usernameTaken(username: string): AppError {
  return new AppError("CONFLICT", `username: "${username}" is already taken`, {
    details: [{ field: "username", message: `"${username}" is already taken` }],
  });
}

/**
 * Ends every open session of a staff member (all but `exceptTokenHash`, the caller's own), in the
 * database and in every cache tier, so their cookies get 401 at once. Returns how many ended.
 */
export async function revokeStaffSessions(
  deps: AuthDeps,
  staffId: string,
  exceptTokenHash?: string,
): Promise<number> {
  const open = and(eq(staffSessions.staffUserId, staffId), isNull(staffSessions.revokedAt));
  const revoked = await deps.db
    .update(staffSessions)
    .set({ revokedAt: deps.clock.now() })
    .where(exceptTokenHash ? and(open, ne(staffSessions.tokenHash, exceptTokenHash)) : open)
    .returning({ tokenHash: staffSessions.tokenHash });
  await dropCachedSessions(
    deps,
    revoked.map((r) => r.tokenHash),
  );
  return revoked.length;
}

async function dropCachedSessions(deps: Pick<AuthDeps, "cache">, hashes: string[]): Promise<void> {
  for (let i = 0; i < hashes.length; i += 100)
    await deps.cache.delete(...hashes.slice(i, i + 100).map((h) => CacheKeys.authToken(h)));
}

/**
 * Owners left if `id` stopped being one, counted under a row lock on the owners, so two parallel
 * demotions (or deletions) of the last two owners cannot both pass.
 */
async function refuseLastOwner(tx: DbOrTx, id: string, action: "deleted" | "demoted"): Promise<void> {
  const owners = await tx
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(eq(staffUsers.role, "owner"))
    .for("update");
  if (owners.some((o) => o.id === id) && owners.length <= 1)
    throw new AppError("CONFLICT", `The last owner cannot be ${action}: make another account an owner first`);
}

/**
 * The built-in `admin` account stays an owner: ADMIN_PASSWORD resets its password (the way back
 * in), scripts with ADMIN_TOKEN act as it, and Telegram staff without a linked account reply as it.
 */
function refuseBuiltInOwner(username: string, action: "deleted" | "demoted"): void {
  if (username === OWNER_USERNAME)
    throw new AppError(
      "CONFLICT",
      `"${OWNER_USERNAME}" is the built-in owner account (ADMIN_PASSWORD recovers it, ADMIN_TOKEN acts as it) and cannot be ${action}`,
    );
}

export interface StaffPatch {
  displayName?: string | null;
  role?: StaffRole;
  telegramUserId?: number | null;
  /** A new password set by an owner: every session of the account ends (but `keepTokenHash`). */
  password?: string;
}

/** Changes a staff account; an empty patch changes nothing and returns the account. */
export async function updateStaff(
  deps: AuthDeps,
  id: string,
  patch: StaffPatch,
  opts: { keepTokenHash?: string } = {},
): Promise<StaffAccount> {
  if (patch.role !== undefined) checkRole(patch.role);
  if (patch.password !== undefined) checkPassword(patch.password);
  checkTelegramId(patch.telegramUserId);
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  const updated = await deps.db
    .transaction(async (tx) => {
      const [current] = await tx.select(accountColumns).from(staffUsers).where(eq(staffUsers.id, id));
      if (!current) throw AppError.notFound("Staff account");
      if (patch.role !== undefined && patch.role !== "owner" && current.role === "owner") {
        await refuseLastOwner(tx, id, "demoted");
        refuseBuiltInOwner(current.username, "demoted");
      }
      if (patch.telegramUserId != null) await checkTelegramFree(tx, patch.telegramUserId, id);
      const set = {
        ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.telegramUserId !== undefined ? { telegramUserId: patch.telegramUserId } : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}),
      };
      if (Object.keys(set).length === 0) return current;
      const [row] = await tx
        .update(staffUsers)
        .set(set)
        .where(eq(staffUsers.id, id))
        .returning(accountColumns);
      return row ?? current;
    })
    .catch(async (err: unknown) => {
      // Another account took the Telegram id after checkTelegramFree: the unique index refused it.
      if (patch.telegramUserId != null && isUniqueViolation(err, TELEGRAM_UNIQUE_INDEX))
        throw await telegramLostRace(deps.db, patch.telegramUserId, id);
      throw err;
    });
  if (passwordHash !== undefined) await revokeStaffSessions(deps, id, opts.keepTokenHash);
  return toAccount(updated);
}

/**
 * Deletes a staff account. Their sessions end at once; orders assigned to them become unassigned
 * (back in everyone's queue; their history and notes stay). Returns how many orders that was.
 */
export async function deleteStaff(deps: AuthDeps, id: string): Promise<{ unassignedOrders: number }> {
  const { hashes, released } = await deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ username: staffUsers.username, role: staffUsers.role })
      .from(staffUsers)
      .where(eq(staffUsers.id, id));
    if (!current) throw AppError.notFound("Staff account");
    if (current.role === "owner") await refuseLastOwner(tx, id, "deleted");
    refuseBuiltInOwner(current.username, "deleted");
    const released = await tx
      .update(orders)
      .set({ assignedTo: null, updatedAt: deps.clock.now() })
      .where(eq(orders.assignedTo, id))
      .returning({ id: orders.id, userProfileId: orders.userProfileId });
    const sessions = await tx
      .select({ tokenHash: staffSessions.tokenHash })
      .from(staffSessions)
      .where(eq(staffSessions.staffUserId, id));
    // Sessions go with the account (ON DELETE CASCADE).
    await tx.delete(staffUsers).where(eq(staffUsers.id, id));
    return { hashes: sessions.map((s) => s.tokenHash), released };
  });
  await dropCachedSessions(deps, hashes);
  if (released.length > 0) {
    // Every key each order touches, once (an order without a customer: its own and the lists).
    const unique = new Set([CacheKeys.pendingOrders(), CacheKeys.todayOrders()]);
    for (const o of released) {
      const touched = o.userProfileId
        ? orderCacheKeys({ id: o.userProfileId }, o.id)
        : [CacheKeys.orderStatus(o.id)];
      for (const key of touched) unique.add(key);
    }
    const keys = [...unique];
    for (let i = 0; i < keys.length; i += 100) await deps.cache.delete(...keys.slice(i, i + 100));
  }
  return { unassignedOrders: released.length };
}

/** Wrong current passwords allowed per account within LOGIN_WINDOW_SECONDS before 429. */
const PASSWORD_CHANGE_RULE = { points: LOGIN_MAX_FAILURES, duration: LOGIN_WINDOW_SECONDS };

/**
 * A staff member changes their own password: the current one is required (a borrowed session
 * alone cannot lock its owner out). Their other sessions end; the one making the change stays.
 * Wrong current passwords are throttled like sign-ins, per account.
 */
export async function changeOwnPassword(
  deps: AuthDeps,
  staffId: string,
  input: { currentPassword: string; newPassword: string },
  opts: { keepTokenHash?: string } = {},
): Promise<{ revokedSessions: number }> {
  checkPassword(input.newPassword, "newPassword");
  const key = `password:${staffId}`;
  const [counted] = await consumeRateLimits(deps, [{ key, rule: PASSWORD_CHANGE_RULE }]);
  if (!counted?.allowed) {
    const minutes = Math.ceil((counted?.retryAfterSeconds ?? LOGIN_WINDOW_SECONDS) / 60);
    throw new AppError("RATE_LIMITED", `Too many wrong passwords; try again in ${minutes} min`);
  }
  const [user] = await deps.db
    .select({ passwordHash: staffUsers.passwordHash })
    .from(staffUsers)
    .where(eq(staffUsers.id, staffId));
  if (!user) {
    await refundRateLimit(deps, key, PASSWORD_CHANGE_RULE);
    throw AppError.notFound("Staff account");
  }
  if (!(await verifyPassword(input.currentPassword, user.passwordHash)))
    throw AppError.validation("currentPassword", "is not your current password");
  await refundRateLimit(deps, key, PASSWORD_CHANGE_RULE);
  if (input.newPassword === input.currentPassword)
    throw AppError.validation("newPassword", "must differ from the current password");
  await deps.db
    .update(staffUsers)
    .set({ passwordHash: await hashPassword(input.newPassword) })
    .where(eq(staffUsers.id, staffId));
  return { revokedSessions: await revokeStaffSessions(deps, staffId, opts.keepTokenHash) };
}
