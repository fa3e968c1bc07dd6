/**
 * Customer profiles: one per person, found by web id (cookie) or Telegram id, cached under
 * user:profile:{userId} and user:telegram:{id}. Writes invalidate what they change; a new order
 * writes the updated profile through instead (src/services/orders/create.ts).
 */
import { eq, sql } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import type { AppCache } from "../cache/types.js";
import { userProfiles } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import { type Jsonify, jsonify } from "./json.js";
import { fullContextKeys } from "./memory/cache.js";
import { rowReader } from "./rows.js";

export type ProfileRow = typeof userProfiles.$inferSelect;
export type Profile = Jsonify<ProfileRow>;

type ProfileDeps = Pick<Deps, "db" | "cache" | "clock">;
/** The loaders run their statements on the driver (`database`). */
type LoaderDeps = ProfileDeps & Pick<Deps, "database">;

/** A new visit starts when the customer comes back after this long. */
/** A new visit starts when the customer comes back after this long. */
export const VISIT_GAP_MS = 30 * 60 * 1000;
/**
 * last_visit moves only once it is this far behind: most messages leave it as it is, so the
 * profile's update is HOT (last_visit is indexed for the customer list) and a visit's start is
 * still known to the minute.
 */
export const LAST_VISIT_STEP_MS = 60 * 1000;

/** Reads raw `user_profiles` rows (select *) into the Profile shape. */
export const profileRows = rowReader(userProfiles, "user_profiles");

/*
 * The loaders' statements are constant texts run straight on the driver (prepared once per
 * connection): most loads find an existing profile, so they select first and insert only when
 * the profile is missing.
 */
const BY_ID_SQL = "select * from user_profiles where id = $1";
const BY_WEB_ID_SQL = "select * from user_profiles where user_id = $1";
const BY_TELEGRAM_ID_SQL = "select * from user_profiles where telegram_user_id = $1";
const INSERT_WEB_SQL = `insert into user_profiles (user_id, created_at, first_visit, last_visit)
  values ($1, $2::timestamptz, $2::timestamptz, $2::timestamptz)
  on conflict do nothing returning *`;
const INSERT_TELEGRAM_SQL = `insert into user_profiles (telegram_user_id, telegram_username, telegram_chat_id,
    display_name, preferences, created_at, first_visit, last_visit)
  values ($1, $2, $3, $4, $5::jsonb, $6::timestamptz, $6::timestamptz, $6::timestamptz)
  on conflict do nothing returning *`;

type QueryDeps = Pick<Deps, "database">;

async function selectProfile(deps: QueryDeps, text: string, key: unknown): Promise<Profile | undefined> {
  const [row] = await deps.database.query(text, [key]);
  return row ? profileRows.read(row) : undefined;
}

export async function getProfileById(deps: Pick<Deps, "db">, id: string): Promise<Profile | undefined> {
  const [row] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, id));
  return row ? jsonify(row) : undefined;
}

/** Follows a merge: a profile merged into another (Telegram linking) resolves to the survivor. */
async function resolveMerged(deps: QueryDeps, p: Profile | undefined): Promise<Profile | undefined> {
  let cur = p;
  for (let i = 0; i < 3 && cur?.mergedInto; i++) cur = await selectProfile(deps, BY_ID_SQL, cur.mergedInto);
  return cur;
}

/**
 * The profile with `key` (select `bySql`), created by `insert` when missing. A concurrent
 * creator that wins the insert is found by the second select.
 */
async function findOrInsert(
  deps: QueryDeps,
  bySql: string,
  key: unknown,
  insert: () => Promise<Record<string, unknown>[]>,
): Promise<Profile | undefined> {
  const found = await selectProfile(deps, bySql, key);
  if (found) return resolveMerged(deps, found);
  const [inserted] = await insert();
  const row = inserted ? profileRows.read(inserted) : await selectProfile(deps, bySql, key);
  if (!row) throw new AppError("INTERNAL", "profile could not be created");
  return resolveMerged(deps, row);
}

export async function getOrCreateWebProfile(deps: LoaderDeps, webUserId: string): Promise<Profile> {
  const p = await deps.cache.getOrSet(
    CacheKeys.userProfile(webUserId),
    () =>
      findOrInsert(deps, BY_WEB_ID_SQL, webUserId, () =>
        deps.database.query(INSERT_WEB_SQL, [webUserId, deps.clock.now().toISOString()]),
      ),
    { ttl: CacheTTL.userProfile },
  );
  if (!p) throw new AppError("INTERNAL", "profile could not be resolved");
  return p;
}

export interface TelegramIdentity {
  telegramUserId: number;
  username?: string | null;
  chatId?: number | null;
  firstName?: string | null;
  languageCode?: string | null;
}

export async function getOrCreateTelegramProfile(deps: LoaderDeps, who: TelegramIdentity): Promise<Profile> {
  const p = await deps.cache.getOrSet(
    CacheKeys.userByTelegram(who.telegramUserId),
    () =>
      findOrInsert(deps, BY_TELEGRAM_ID_SQL, who.telegramUserId, () =>
        deps.database.query(INSERT_TELEGRAM_SQL, [
          who.telegramUserId,
          who.username ?? null,
          who.chatId ?? who.telegramUserId,
          who.firstName ?? null,
          JSON.stringify(who.languageCode ? { language: who.languageCode.slice(0, 2) } : {}),
          deps.clock.now().toISOString(),
        ]),
      ),
    { ttl: CacheTTL.userByTelegram },
  );
  if (!p) throw new AppError("INTERNAL", "profile could not be resolved");
  return p;
}

/** Every cache key that holds (part of) this profile. */
export function profileCacheKeys(p: Pick<Profile, "id" | "userId" | "telegramUserId">): string[] {
  const keys = fullContextKeys(p.id);
  if (p.userId) keys.push(CacheKeys.userProfile(p.userId));
  if (p.telegramUserId) keys.push(CacheKeys.userByTelegram(p.telegramUserId));
  return keys;
}

export async function invalidateProfile(
  cache: AppCache,
  p: Pick<Profile, "id" | "userId" | "telegramUserId">,
) {
  await cache.delete(...profileCacheKeys(p));
}

/** Counts a customer message: messages +1, last visit now (LAST_VISIT_STEP_MS), visits +1 after a 30-minute gap. */
export async function recordCustomerMessage(deps: ProfileDeps, p: Profile): Promise<void> {
  const now = deps.clock.now();
  const gapStart = new Date(now.getTime() - VISIT_GAP_MS);
  await deps.db
    .update(userProfiles)
    .set({
      totalMessages: sql`${userProfiles.totalMessages} + 1`,
      totalVisits: sql`${userProfiles.totalVisits} + case when ${userProfiles.lastVisit} < ${gapStart.toISOString()}::timestamptz then 1 else 0 end`,
      lastVisit: sql`case when ${userProfiles.lastVisit} < ${new Date(now.getTime() - LAST_VISIT_STEP_MS).toISOString()}::timestamptz then ${now.toISOString()}::timestamptz else ${userProfiles.lastVisit} end`,
    })
    .where(eq(userProfiles.id, p.id));
  await invalidateProfile(deps.cache, p);
}

export interface ProfileUpdate {
  displayName?: string | null;
  phone?: string | null;
  preferences?: Record<string, unknown>;
  notes?: string | null;
  tags?: string[];
  isBlocked?: boolean;
  blockedReason?: string | null;
  followupOptOut?: boolean;
}

/**
 * Applies the given fields (preferences are merged into the current ones). A key given as
 * undefined is not given, and an empty preferences object changes nothing; a patch that is left
 * with nothing to set is a no-op: the current profile is returned, nothing is written and no cache
 * is invalidated. Unknown id → 404.
 */
export async function updateProfile(deps: ProfileDeps, id: string, patch: ProfileUpdate): Promise<Profile> {
  const current = await getProfileById(deps, id);
  if (!current) throw AppError.notFound("Customer");
  const set: Partial<typeof userProfiles.$inferInsert> = Object.fromEntries(
    Object.entries(patch).filter(([k, v]) => v !== undefined && k !== "preferences"),
  );
  if (patch.preferences && Object.keys(patch.preferences).length > 0) {
    set.preferences = { ...current.preferences, ...patch.preferences };
  }
  if (Object.keys(set).length === 0) return current;
  const [row] = await deps.db.update(userProfiles).set(set).where(eq(userProfiles.id, id)).returning();
  if (!row) throw AppError.notFound("Customer");
  await invalidateProfile(deps.cache, current);
  return jsonify(row);
}
