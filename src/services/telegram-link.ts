/**
 * Linking a Telegram account to a web profile. The web customer asks for a one-time link
 * (POST /api/me/telegram-link → t.me/<bot>?start=link_<token>); the bot's /start handler calls
 * consumeLinkToken. Only sha256(token) is stored, it expires, and it works once.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import { CacheKeys } from "../cache/keys.js";
import { telegramLinkTokens, userProfiles } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { jsonify } from "./json.js";
import { updateCompleteness } from "./memory/completeness.js";
import { type MergeResult, mergeProfiles } from "./profile-merge.js";
import { getProfileById, invalidateProfile, type Profile, type TelegramIdentity } from "./profiles.js";

/** How long a link stays valid. @default 30 minutes */
export const LINK_TOKEN_TTL_MS = 30 * 60_000;
/** The /start payload prefix the bot recognises. */
export const LINK_PAYLOAD_PREFIX = "link_";

type LinkDeps = Pick<Deps, "db" | "cache" | "clock">;

export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface LinkToken {
  token: string;
  expiresAt: string;
}

/** A fresh one-time token for this profile (32 random bytes, base64url: fits Telegram's 64-char payload). */
export async function createLinkToken(deps: LinkDeps, profileId: string): Promise<LinkToken> {
  const token = randomBytes(32).toString("base64url");
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + LINK_TOKEN_TTL_MS);
  await deps.db
    .insert(telegramLinkTokens)
    .values({ tokenHash: hashLinkToken(token), userProfileId: profileId, createdAt: now, expiresAt });
  return { token, expiresAt: expiresAt.toISOString() };
}

/** The t.me deep link for a token; `your_bot` stands in until the bot's username is known. */
export function telegramLinkUrl(botUsername: string | undefined, token: string): string {
  const bot = (botUsername ?? "your_bot").replace(/^@/, "");
  return `https://t.me/${bot}?start=${LINK_PAYLOAD_PREFIX}${token}`;
}

export type LinkResult =
  | { status: "linked"; profile: Profile; mergedProfileId: string | null }
  | { status: "already_linked"; profile: Profile }
  | { status: "invalid" | "expired" | "used" }
  /** The web profile is already linked to a different Telegram account. */
  | { status: "conflict" };

/**
 * Redeems a link token for a Telegram user: the Telegram account joins the web profile that
 * asked for the link. If the Telegram user already had a profile of their own, it is merged
 * into the web profile (everything re-pointed, stats summed) in the same transaction that
 * burns the token, so a failed merge leaves the token usable and nothing half-moved.
 */
export async function consumeLinkToken(
  deps: LinkDeps,
  token: string,
  who: TelegramIdentity,
): Promise<LinkResult> {
  const raw = token.startsWith(LINK_PAYLOAD_PREFIX) ? token.slice(LINK_PAYLOAD_PREFIX.length) : token;
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(raw)) return { status: "invalid" };
  const hash = hashLinkToken(raw);
  const now = deps.clock.now();
  type Claim =
    | { status: "invalid" | "expired" | "used" | "conflict" }
    | { status: "already_linked"; profileId: string }
    | { status: "linked"; profileId: string; absorbed: Profile | null; moved: MergeResult | null };
  const result = await deps.db.transaction(async (tx): Promise<Claim> => {
    // The conditional update is the claim: two concurrent /start link_… messages, one winner.
    const [claimed] = await tx
      .update(telegramLinkTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(telegramLinkTokens.tokenHash, hash),
          isNull(telegramLinkTokens.usedAt),
          gt(telegramLinkTokens.expiresAt, now),
        ),
      )
      .returning();
    if (!claimed) {
      const [row] = await tx.select().from(telegramLinkTokens).where(eq(telegramLinkTokens.tokenHash, hash));
      if (!row) return { status: "invalid" } as const;
      return { status: row.usedAt ? "used" : "expired" } as const;
    }
    const [web] = await tx.select().from(userProfiles).where(eq(userProfiles.id, claimed.userProfileId));
    if (!web || web.mergedInto) return { status: "invalid" } as const;
    if (web.telegramUserId === who.telegramUserId)
      return { status: "already_linked", profileId: web.id } as const;
    if (web.telegramUserId !== null) return { status: "conflict" } as const;
    const [tg] = await tx
      .select()
      .from(userProfiles)
      .where(eq(userProfiles.telegramUserId, who.telegramUserId));
    const moved = tg ? await mergeProfiles(tx, { survivorId: web.id, absorbedId: tg.id, now }) : null;
    await tx
      .update(userProfiles)
      .set({
        telegramUserId: who.telegramUserId,
        telegramChatId: who.chatId ?? tg?.telegramChatId ?? who.telegramUserId,
        telegramUsername: who.username ?? tg?.telegramUsername ?? null,
        ...(!web.displayName && (who.firstName || tg?.displayName)
          ? { displayName: who.firstName ?? tg?.displayName ?? null }
          : {}),
      })
      .where(eq(userProfiles.id, web.id));
    return { status: "linked", profileId: web.id, absorbed: tg ? jsonify(tg) : null, moved } as const;
  });
  if (result.status !== "linked" && result.status !== "already_linked") return { status: result.status };
  const profile = await getProfileById(deps, result.profileId);
  if (!profile) return { status: "invalid" };
  // Both profiles' caches, under every identity they were known by (web id, Telegram id).
  await invalidateProfile(deps.cache, profile);
  await invalidateProfile(deps.cache, { id: profile.id, userId: null, telegramUserId: who.telegramUserId });
  if (result.status === "already_linked") return { status: "already_linked", profile };
  if (result.absorbed) {
    await invalidateProfile(deps.cache, { ...result.absorbed, telegramUserId: who.telegramUserId });
    await invalidateMoved(deps, [profile.id, result.absorbed.id], result.moved);
  }
  await updateCompleteness(deps, profile.id);
  return { status: "linked", profile, mergedProfileId: result.absorbed?.id ?? null };
}

/** Caches that held the moved rows under their old owner. */
async function invalidateMoved(
  deps: LinkDeps,
  profileIds: string[],
  moved: MergeResult | null,
): Promise<void> {
  const keys = profileIds.flatMap((id) => [CacheKeys.conversationList(id), CacheKeys.userOrders(id)]);
  for (const id of moved?.conversationIds ?? []) {
    keys.push(CacheKeys.conversation(id), CacheKeys.conversationMessages(id));
  }
  for (const id of moved?.orderIds ?? []) keys.push(CacheKeys.orderStatus(id));
  await deps.cache.delete(...keys);
}
