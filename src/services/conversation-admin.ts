/** Staff reads of conversations: a filtered, paginated list and one conversation with its messages. */
import { and, count, desc, eq, isNotNull, isNull, type SQL } from "drizzle-orm";
import { conversations, userProfiles } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import { type Conversation, listMessages, type Message } from "./conversations.js";
import { jsonify } from "./json.js";

export interface ConversationListQuery {
  profileId?: string;
  channel?: "web" | "telegram";
  status?: "open" | "ended";
  limit?: number;
  offset?: number;
}

export type ConversationRow = Conversation & { customerName: string | null; telegramUsername: string | null };

export async function listConversations(
  deps: Pick<Deps, "db">,
  q: ConversationListQuery,
): Promise<{ items: ConversationRow[]; total: number }> {
  const where: SQL[] = [];
  if (q.profileId) where.push(eq(conversations.userProfileId, q.profileId));
  if (q.channel) where.push(eq(conversations.channel, q.channel));
  if (q.status === "open") where.push(isNull(conversations.endedAt));
  if (q.status === "ended") where.push(isNotNull(conversations.endedAt));
  const cond = where.length > 0 ? and(...where) : undefined;
  const [rows, totals] = await Promise.all([
    deps.db
      .select({
        c: conversations,
        customerName: userProfiles.displayName,
        telegramUsername: userProfiles.telegramUsername,
      })
      .from(conversations)
      .innerJoin(userProfiles, eq(userProfiles.id, conversations.userProfileId))
      .where(cond)
      .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
      .limit(q.limit ?? 50)
      .offset(q.offset ?? 0),
    deps.db.select({ n: count() }).from(conversations).where(cond),
  ]);
  return {
    items: rows.map((r) => ({
      ...jsonify(r.c),
      customerName: r.customerName,
      telegramUsername: r.telegramUsername,
    })),
    total: Number(totals[0]?.n ?? 0),
  };
}

export async function getConversationWithMessages(
  deps: Pick<Deps, "db">,
  id: string,
  page: { limit?: number; offset?: number } = {},
): Promise<{ conversation: Conversation; messages: Message[] }> {
  const [row] = await deps.db.select().from(conversations).where(eq(conversations.id, id));
  if (!row) throw AppError.notFound("Conversation");
  return { conversation: jsonify(row), messages: await listMessages(deps, id, page) };
}
