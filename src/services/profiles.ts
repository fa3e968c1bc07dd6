/**
 * Customer profiles: one per person, found by web id (cookie) or Telegram id, cached under
 * user:profile:{userId} and user:telegram:{id}. Every write invalidates what it changes.
 */
import { eq, sql } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import type { AppCache } from "../cache/types.js";
import { userProfiles } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import { type Jsonify, jsonify } from "./json.js";

export type ProfileRow = typeof userProfiles.$inferSelect;
export type Profile = Jsonify<ProfileRow>;

type ProfileDeps = Pick<Deps, "db" | "cache" | "clock">;

/** A new visit starts when the customer comes back after this long. */
const VISIT_GAP_MS = 30 * 60 * 1000;

export async function getProfileById(deps: Pick<Deps, "db">, id: string): Promise<Profile | undefined> {
  const [row] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, id));
  return row ? jsonify(row) : undefined;
}

/** Follows a merge: a profile merged into another (Telegram linking) resolves to the survivor. */
async function resolveMerged(deps: Pick<Deps, "db">, p: Profile | undefined): Promise<Profile | undefined> {
  let cur = p;
  for (let i = 0; i < 3 && cur?.mergedInto; i++) cur = await getProfileById(deps, cur.mergedInto);
  return cur;
}

/** New profiles start at the injected clock's now (analytics count new customers per shop day). */
function clockTimes(now: Date) {
  return { createdAt: now, firstVisit: now, lastVisit: now };
}

export async function getOrCreateWebProfile(deps: ProfileDeps, webUserId: string): Promise<Profile> {
  const p = await deps.cache.getOrSet(
    CacheKeys.userProfile(webUserId),
    async () => {
      await deps.db
        .insert(userProfiles)
        .values({ userId: webUserId, ...clockTimes(deps.clock.now()) })
        .onConflictDoNothing();
      const [row] = await deps.db.select().from(userProfiles).where(eq(userProfiles.userId, webUserId));
      if (!row) throw new AppError("INTERNAL", "profile could not be created");
      return resolveMerged(deps, jsonify(row));
    },
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

export async function getOrCreateTelegramProfile(deps: ProfileDeps, who: TelegramIdentity): Promise<Profile> {
  const p = await deps.cache.getOrSet(
    CacheKeys.userByTelegram(who.telegramUserId),
    async () => {
      await deps.db
        .insert(userProfiles)
        .values({
          ...clockTimes(deps.clock.now()),
          telegramUserId: who.telegramUserId,
          telegramUsername: who.username ?? null,
          telegramChatId: who.chatId ?? who.telegramUserId,
          displayName: who.firstName ?? null,
          preferences: who.languageCode ? { language: who.languageCode.slice(0, 2) } : {},
        })
        .onConflictDoNothing();
      const [row] = await deps.db
        .select()
        .from(userProfiles)
        .where(eq(userProfiles.telegramUserId, who.telegramUserId));
      if (!row) throw new AppError("INTERNAL", "profile could not be created");
      return resolveMerged(deps, jsonify(row));
    },
    { ttl: CacheTTL.userByTelegram },
  );
  if (!p) throw new AppError("INTERNAL", "profile could not be resolved");
  return p;
}

/** Every cache key that holds (part of) this profile. */
export function profileCacheKeys(p: Pick<Profile, "id" | "userId" | "telegramUserId">): string[] {
  const keys = [CacheKeys.fullContext(p.id), CacheKeys.userContext(p.id), CacheKeys.agentContext(p.id)];
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

/** Counts a customer message: messages +1, last visit now, visits +1 after a 30-minute gap. */
export async function recordCustomerMessage(deps: ProfileDeps, p: Profile): Promise<void> {
  const now = deps.clock.now();
  const gapStart = new Date(now.getTime() - VISIT_GAP_MS);
  await deps.db
    .update(userProfiles)
    .set({
      totalMessages: sql`${userProfiles.totalMessages} + 1`,
      totalVisits: sql`${userProfiles.totalVisits} + case when ${userProfiles.lastVisit} < ${gapStart.toISOString()}::timestamptz then 1 else 0 end`,
      lastVisit: now,
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

export async function updateProfile(deps: ProfileDeps, id: string, patch: ProfileUpdate): Promise<Profile> {
  const current = await getProfileById(deps, id);
  if (!current) throw AppError.notFound("Customer");
  const set: Partial<typeof userProfiles.$inferInsert> = { ...patch };
  if (patch.preferences) set.preferences = { ...current.preferences, ...patch.preferences };
  const [row] = await deps.db.update(userProfiles).set(set).where(eq(userProfiles.id, id)).returning();
  if (!row) throw AppError.notFound("Customer");
  await invalidateProfile(deps.cache, current);
  return jsonify(row);
}
