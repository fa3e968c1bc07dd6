/**
 * Staff takeover (seed 000: staff "can take over the dialogue"). A staff member takes a
 * conversation (from the staff chat or the admin API); until they release it or
 * takeoverTimeoutMinutes passes, the assistant stays silent there (runTurn checks
 * conversations.takeover_until). Staff messages are stored as role "staff" and reach the
 * customer in their channel: Telegram through the bot (the `staff-message` job, retried), the
 * web widget on its next poll of GET /api/agent/messages.
 */
import { eq } from "drizzle-orm";
import { staffUsers } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";
import {
  addMessage,
  type Conversation,
  getConversation,
  type Message,
  updateConversation,
} from "./conversations.js";
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

export async function takeOver(
  deps: TakeoverDeps,
  conversationId: string,
  staff: StaffRef,
): Promise<Conversation> {
  const c = await requireConversation(deps, conversationId);
  const settings = await getSettings(deps);
  const until = new Date(deps.clock.now().getTime() + settings.takeoverTimeoutMinutes * 60_000);
  return updateConversation(deps, c, { takeoverBy: staff.id, takeoverUntil: until });
}

export async function release(deps: TakeoverDeps, conversationId: string): Promise<Conversation> {
  const c = await requireConversation(deps, conversationId);
  return updateConversation(deps, c, { takeoverBy: null, takeoverUntil: null });
}

/**
 * A staff member writes to the customer. Writing takes the conversation over (or extends the
 * takeover), so the assistant never talks over a human.
 */
export async function sendStaffMessage(
  deps: TakeoverDeps,
  input: { conversationId: string; staff: StaffRef; text: string },
): Promise<Message> {
  const text = input.text.trim();
  if (!text) throw AppError.validation("text", "must not be empty");
  const conv = await takeOver(deps, input.conversationId, input.staff);
  const message = await addMessage(deps, conv, {
    role: "staff",
    content: text,
    metadata: { staffId: input.staff.id, staffUsername: input.staff.username },
  });
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
