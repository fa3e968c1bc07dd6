/**
 * Staff takeover (seed 000: staff "can take over the dialogue"). A staff member takes a
 * conversation (from the staff chat or the admin API); until they release it or
 * takeoverTimeoutMinutes passes, the assistant stays silent there (runTurn checks
 * conversations.takeover_until). Staff messages are stored as role "staff" and reach the
 * customer in their channel: Telegram through the bot (the `staff-message` job, retried), the
 * web widget on its next poll of GET /api/agent/messages.
 */
import { eq, sql } from "drizzle-orm";
import { conversations, messages, staffUsers } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import {
  type Conversation,
  getConversation,
  invalidateConversation,
  type Message,
  updateConversation,
} from "./conversations.js";
import { jsonify } from "./json.js";
import { getSettings } from "./settings.js";
import { OWNER_USERNAME } from "./staff-auth.js";

export const STAFF_MESSAGE_JOB = "staff-message";

export interface StaffRef {
  id: string;
  username: string;
}

type TakeoverDeps = Pick<Deps, "db" | "cache" | "clock"> & Partial<Pick<Deps, "jobs">>;

async function requireConversation(deps: TakeoverDeps, id: string): Promise<Conversation> {
  const c = await getConversation(deps, id);
  if (!c) throw AppError.notFound("Conversation");
  return c;
}

export function isTakenOver(c: Pick<Conversation, "takeoverUntil">, now: Date): boolean {
  return Boolean(c.takeoverUntil && new Date(c.takeoverUntil) > now);
}

/** When a takeover starting now ends (takeoverTimeoutMinutes from the settings). */
async function takeoverEnd(deps: TakeoverDeps, now: Date): Promise<Date> {
  const settings = await getSettings(deps);
  return new Date(now.getTime() + settings.takeoverTimeoutMinutes * 60_000);
}

export async function takeOver(
  deps: TakeoverDeps,
  conversationId: string,
  staff: StaffRef,
): Promise<Conversation> {
  const c = await requireConversation(deps, conversationId);
  const until = await takeoverEnd(deps, deps.clock.now());
  return updateConversation(deps, c, { takeoverBy: staff.id, takeoverUntil: until });
}

export async function release(deps: TakeoverDeps, conversationId: string): Promise<Conversation> {
  const c = await requireConversation(deps, conversationId);
  return updateConversation(deps, c, { takeoverBy: null, takeoverUntil: null });
}

/**
 * A staff member writes to the customer. Writing takes the conversation over (or extends the
 * takeover), so the assistant never talks over a human. The takeover and the message are one
 * transaction: a message that cannot be stored leaves the conversation as it was, never taken
 * over in silence. (The same row changes addMessage makes: last_message_at, message_count.)
 */
export async function sendStaffMessage(
  deps: TakeoverDeps,
  input: { conversationId: string; staff: StaffRef; text: string },
): Promise<Message> {
  const text = input.text.trim();
  if (!text) throw AppError.validation("text", "must not be empty");
  const conv = await requireConversation(deps, input.conversationId);
  const now = deps.clock.now();
  const until = await takeoverEnd(deps, now);
  const row = await deps.db.transaction(async (tx) => {
    // The conversation row first: it is locked until commit, and a conversation deleted since
    // it was read (or cached) is a 404 before anything is written.
    const [taken] = await tx
      .update(conversations)
      .set({
        takeoverBy: input.staff.id,
        takeoverUntil: until,
        lastMessageAt: now,
        messageCount: sql`${conversations.messageCount} + 1`,
      })
      .where(eq(conversations.id, conv.id))
      .returning({ id: conversations.id, userProfileId: conversations.userProfileId });
    if (!taken) throw AppError.notFound("Conversation");
    const [inserted] = await tx
      .insert(messages)
      .values({
        conversationId: taken.id,
        userProfileId: taken.userProfileId,
        role: "staff",
        content: text,
        metadata: { staffId: input.staff.id, staffUsername: input.staff.username },
        createdAt: now,
      })
      .returning();
    return inserted;
  });
  if (!row) throw new AppError("INTERNAL", "message could not be saved");
  // The stored row's profile: the cached conversation may predate a profile merge.
  await invalidateConversation(deps.cache, {
    id: conv.id,
    userProfileId: row.userProfileId ?? conv.userProfileId,
  });
  if (row.userProfileId && row.userProfileId !== conv.userProfileId)
    await invalidateConversation(deps.cache, conv);
  const message = jsonify(row);
  if (conv.channel === "telegram" && deps.jobs) {
    await deps.jobs.enqueue(
      STAFF_MESSAGE_JOB,
      { messageId: message.id },
      { dedupeKey: `staff-message:${message.id}` },
    );
  }
  return message;
}

/** The staff account behind a Telegram user in the staff chat; the owner when none is linked. */
export async function staffForTelegramUser(
  deps: Pick<Deps, "db">,
  telegramUserId: number,
): Promise<StaffRef> {
  const [linked] = await deps.db
    .select({ id: staffUsers.id, username: staffUsers.username })
    .from(staffUsers)
    .where(eq(staffUsers.telegramUserId, telegramUserId));
  if (linked) return linked;
  const [owner] = await deps.db
    .select({ id: staffUsers.id, username: staffUsers.username })
    .from(staffUsers)
    .where(eq(staffUsers.username, OWNER_USERNAME));
  if (!owner) throw new AppError("INTERNAL", "no staff account exists");
  return owner;
}
