/**
 * Conversations and their messages (a table of their own). Reads go through conversation:{id},
 * conversation:{id}:messages and conversations:user:{profileId}; writes invalidate them.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import type { AppCache } from "../cache/types.js";
import { conversations, messages, userProfiles } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import { trackEvent } from "./events.js";
import { type Jsonify, jsonify } from "./json.js";

export type Conversation = Jsonify<typeof conversations.$inferSelect>;
export type Message = Jsonify<typeof messages.$inferSelect>;
export type Channel = "web" | "telegram";

type ConvDeps = Pick<Deps, "db" | "cache" | "clock">;

/** How many recent messages the assistant sees (SPEC §4). */
export const HISTORY_LIMIT = 12;

export async function getConversation(
  deps: Pick<Deps, "db" | "cache">,
  id: string,
): Promise<Conversation | undefined> {
  const found = await deps.cache.getOrSet(
    CacheKeys.conversation(id),
    async () => {
      const [row] = await deps.db.select().from(conversations).where(eq(conversations.id, id));
      return row ? jsonify(row) : null;
    },
    { ttl: CacheTTL.conversation },
  );
  return found ?? undefined;
}

export async function invalidateConversation(cache: AppCache, c: Pick<Conversation, "id" | "userProfileId">) {
  await cache.delete(
    CacheKeys.conversation(c.id),
    CacheKeys.conversationMessages(c.id),
    CacheKeys.conversationList(c.userProfileId),
  );
}

export interface OpenConversationInput {
  profileId: string;
  channel: Channel;
  language: string;
  /** A conversation id the client remembers; used only if it belongs to this profile and is open. */
  conversationId?: string;
  timeoutMinutes: number;
}

/**
 * The customer's open conversation on this channel, or a new one. A conversation idle for longer
 * than the timeout is ended and a new one started.
 */
export async function getOrCreateConversation(
  deps: ConvDeps,
  input: OpenConversationInput,
): Promise<Conversation> {
  const now = deps.clock.now();
  const idleSince = new Date(now.getTime() - input.timeoutMinutes * 60_000);
  if (input.conversationId) {
    const c = await getConversation(deps, input.conversationId);
    // Another customer's id is treated exactly like an unknown one: no hint that it exists.
    if (c && c.userProfileId === input.profileId && !c.endedAt && new Date(c.lastMessageAt) >= idleSince)
      return c;
  }
  const [open] = await deps.db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.userProfileId, input.profileId),
        eq(conversations.channel, input.channel),
        isNull(conversations.endedAt),
      ),
    )
    .orderBy(desc(conversations.lastMessageAt))
    .limit(1);
  if (open && open.lastMessageAt >= idleSince) return jsonify(open);
  return deps.db.transaction(async (tx) => {
    if (open) {
      await tx
        .update(conversations)
        .set({ endedAt: open.lastMessageAt })
        .where(eq(conversations.id, open.id));
      await trackEvent(tx, {
        eventType: "session_end",
        userProfileId: input.profileId,
        conversationId: open.id,
        channel: input.channel,
        eventData: { reason: "timeout" },
        at: now,
      });
    }
    const [created] = await tx
      .insert(conversations)
      .values({
        userProfileId: input.profileId,
        channel: input.channel,
        language: input.language,
        startedAt: now,
        lastMessageAt: now,
      })
      .returning();
    if (!created) throw new AppError("INTERNAL", "conversation could not be created");
    await tx
      .update(userProfiles)
      .set({ totalConversations: sql`${userProfiles.totalConversations} + 1` })
      .where(eq(userProfiles.id, input.profileId));
    await trackEvent(tx, {
      eventType: "session_start",
      userProfileId: input.profileId,
      conversationId: created.id,
      channel: input.channel,
      at: now,
    });
    await deps.cache.delete(CacheKeys.conversationList(input.profileId));
    if (open) await invalidateConversation(deps.cache, jsonify(open));
    return jsonify(created);
  });
}

export interface NewMessage {
  role: "user" | "assistant" | "staff" | "system";
  content: string;
  detectedLanguage?: string | null;
  productCards?: string[];
  metadata?: Record<string, unknown>;
}

export async function addMessage(
  deps: ConvDeps,
  conv: Pick<Conversation, "id" | "userProfileId">,
  m: NewMessage,
): Promise<Message> {
  const now = deps.clock.now();
  const row = await deps.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(messages)
      .values({
        conversationId: conv.id,
        userProfileId: conv.userProfileId,
        role: m.role,
        content: m.content,
        detectedLanguage: m.detectedLanguage ?? null,
        productCards: m.productCards ?? [],
        metadata: m.metadata ?? {},
        createdAt: now,
      })
      .returning();
    await tx
      .update(conversations)
      .set({
        lastMessageAt: now,
        messageCount: sql`${conversations.messageCount} + 1`,
        ...(m.role === "user" && m.detectedLanguage ? { language: m.detectedLanguage } : {}),
      })
      .where(eq(conversations.id, conv.id));
    return inserted;
  });
  if (!row) throw new AppError("INTERNAL", "message could not be saved");
  await invalidateConversation(deps.cache, conv);
  return jsonify(row);
}

/** The last `limit` (at most HISTORY_LIMIT, all the assistant sees) messages, oldest first. */
export async function getRecentMessages(
  deps: Pick<Deps, "db" | "cache">,
  conversationId: string,
  limit = HISTORY_LIMIT,
): Promise<Message[]> {
  const all = await deps.cache.getOrSet(
    CacheKeys.conversationMessages(conversationId),
    async () => {
      const rows = await deps.db
        .select()
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(desc(messages.createdAt))
        .limit(HISTORY_LIMIT);
      return jsonify(rows.reverse());
    },
    { ttl: CacheTTL.conversationMessages },
  );
  return all.slice(-limit);
}

/** A page of a conversation's messages, oldest first (for history views). */
export async function listMessages(
  deps: Pick<Deps, "db">,
  conversationId: string,
  opts: { limit?: number; offset?: number } = {},
): Promise<Message[]> {
  const rows = await deps.db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(messages.createdAt)
    .limit(opts.limit ?? 100)
    .offset(opts.offset ?? 0);
  return jsonify(rows);
}

export async function listConversationsForProfile(
  deps: Pick<Deps, "db" | "cache">,
  profileId: string,
): Promise<Conversation[]> {
  return deps.cache.getOrSet(
    CacheKeys.conversationList(profileId),
    async () =>
      jsonify(
        await deps.db
          .select()
          .from(conversations)
          .where(eq(conversations.userProfileId, profileId))
          .orderBy(desc(conversations.lastMessageAt))
          .limit(50),
      ),
    { ttl: CacheTTL.conversationList },
  );
}

export async function updateConversation(
  deps: Pick<Deps, "db" | "cache">,
  c: Pick<Conversation, "id" | "userProfileId">,
  patch: Partial<typeof conversations.$inferInsert>,
): Promise<Conversation> {
  const [row] = await deps.db.update(conversations).set(patch).where(eq(conversations.id, c.id)).returning();
  if (!row) throw AppError.notFound("Conversation");
  await invalidateConversation(deps.cache, c);
  return jsonify(row);
}
