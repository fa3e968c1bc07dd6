/**
 * Follow-ups (seed 003): a customer who showed buying intent but did not order gets ONE polite
 * message in their channel after settings.followupDelayHours. "Once" is the unique intent_key
 * (one per conversation) plus an at-most-once claim when sending: a crash after the claim loses
 * the follow-up rather than ever sending it twice. Never to a customer who opted out or is
 * blocked; cancelled when they ordered in the meantime.
 */
import { and, eq, gt, lte, ne, sql } from "drizzle-orm";
import { conversations, followups, messages, orders, userProfiles } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { type Channel, invalidateConversation } from "./conversations.js";
import { type Jsonify, jsonify } from "./json.js";
import { getSettings } from "./settings.js";

export type Followup = Jsonify<typeof followups.$inferSelect>;

/** Sends a Telegram text message; provided by the Telegram channel when the bot is configured. */
export type TelegramSender = (chatId: number, text: string) => Promise<void>;

type FollowupDeps = Pick<Deps, "db" | "cache" | "clock" | "logger" | "jobs"> & {
  sendTelegram?: TelegramSender;
};

export const SEND_FOLLOWUP_JOB = "send-followup";
export const FOLLOWUPS_DUE_JOB = "followups-due";

export function intentKeyFor(conversationId: string): string {
  return `conversation:${conversationId}`;
}

export interface ScheduleFollowupInput {
  profileId: string;
  conversationId: string;
  channel: Channel;
}

export type ScheduleResult =
  | { scheduled: true; followup: Followup }
  | { scheduled: false; reason: "exists" | "opted_out" | "blocked" | "ordered" | "unknown_customer" };

/**
 * Records buying intent in a conversation; idempotent (a second call for the same conversation
 * changes nothing). Enqueues the delayed send when a job queue is present; the periodic
 * "followups-due" job sends anything a lost job missed.
 */
export async function scheduleFollowup(
  deps: FollowupDeps,
  input: ScheduleFollowupInput,
): Promise<ScheduleResult> {
  const [profile] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, input.profileId));
  if (!profile) return { scheduled: false, reason: "unknown_customer" };
  if (profile.followupOptOut) return { scheduled: false, reason: "opted_out" };
  if (profile.isBlocked) return { scheduled: false, reason: "blocked" };
  if (await orderedInConversation(deps, input.conversationId)) return { scheduled: false, reason: "ordered" };
  const { followupDelayHours } = await getSettings(deps);
  const now = deps.clock.now();
  const delayMs = Math.round(followupDelayHours * 3_600_000);
  const [row] = await deps.db
    .insert(followups)
    .values({
      userProfileId: input.profileId,
      conversationId: input.conversationId,
      intentKey: intentKeyFor(input.conversationId),
      channel: input.channel,
      status: "scheduled",
      dueAt: new Date(now.getTime() + delayMs),
      createdAt: now,
    })
    .onConflictDoNothing({ target: followups.intentKey })
    .returning();
  if (!row) return { scheduled: false, reason: "exists" };
  await deps.jobs?.enqueue(
    SEND_FOLLOWUP_JOB,
    { followupId: row.id },
    { delayMs, dedupeKey: `followup:${row.id}` },
  );
  return { scheduled: true, followup: jsonify(row) };
}

async function orderedInConversation(deps: Pick<Deps, "db">, conversationId: string): Promise<boolean> {
  const [o] = await deps.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.conversationId, conversationId), ne(orders.status, "cancelled")))
    .limit(1);
  return Boolean(o);
}

async function orderedSince(deps: Pick<Deps, "db">, profileId: string, since: Date): Promise<boolean> {
  const [o] = await deps.db
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(eq(orders.userProfileId, profileId), gt(orders.createdAt, since), ne(orders.status, "cancelled")),
    )
    .limit(1);
  return Boolean(o);
}

const TEXTS: Record<string, (name: string | null) => string> = {
  en: (n) =>
    `Hi${n ? ` ${n}` : ""}! You were choosing something with us earlier. Can I help you finish your order? Just reply here. (Don't want reminders? Say so and we won't send more.)`,
  ru: (n) =>
    `Здравствуйте${n ? `, ${n}` : ""}! Вы недавно выбирали у нас что-то. Помочь оформить заказ? Просто ответьте здесь. (Не хотите напоминаний — напишите, и мы больше не будем.)`,
  uk: (n) =>
    `Вітаємо${n ? `, ${n}` : ""}! Ви нещодавно обирали щось у нас. Допомогти оформити замовлення? Просто відповідайте тут. (Не хочете нагадувань — напишіть, і ми більше не будемо.)`,
  th: (n) =>
    `สวัสดีค่ะ${n ? `คุณ${n}` : ""}! เมื่อก่อนหน้านี้คุณกำลังเลือกสินค้ากับเรา ให้เราช่วยสั่งซื้อให้เสร็จไหมคะ? ตอบกลับที่นี่ได้เลยค่ะ`,
};

export function followupText(language: string, name: string | null): string {
  return (TEXTS[language] ?? TEXTS.en!)(name);
}

export type SendResult = "sent" | "cancelled" | "skipped" | "not_due" | "not_scheduled";

/** The "send-followup" job: re-checks every condition at send time, claims, then sends. */
export async function sendFollowup(deps: FollowupDeps, followupId: string): Promise<SendResult> {
  const now = deps.clock.now();
  const [f] = await deps.db.select().from(followups).where(eq(followups.id, followupId));
  if (f?.status !== "scheduled") return "not_scheduled";
  if (f.dueAt > now) return "not_due";
  const [profile] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, f.userProfileId));
  const finish = async (status: "cancelled" | "skipped") => {
    await deps.db
      .update(followups)
      .set({ status })
      .where(and(eq(followups.id, f.id), eq(followups.status, "scheduled")));
    return status;
  };
  if (!profile || profile.followupOptOut || profile.isBlocked) return finish("skipped");
  if (
    (f.conversationId && (await orderedInConversation(deps, f.conversationId))) ||
    (await orderedSince(deps, f.userProfileId, f.createdAt))
  ) {
    return finish("cancelled");
  }
  if (f.channel === "telegram" && (!profile.telegramChatId || !deps.sendTelegram)) return finish("skipped");
  // The claim: only one sender (job, sweep, another instance) moves it out of "scheduled".
  const [claimed] = await deps.db
    .update(followups)
    .set({ status: "sent", sentAt: now })
    .where(and(eq(followups.id, f.id), eq(followups.status, "scheduled")))
    .returning();
  if (!claimed) return "not_scheduled";
  const [conv] = f.conversationId
    ? await deps.db.select().from(conversations).where(eq(conversations.id, f.conversationId))
    : [];
  const language = conv?.language ?? String(profile.preferences.language ?? "en");
  const text = followupText(language, profile.displayName);
  try {
    if (f.channel === "telegram") {
      await deps.sendTelegram?.(profile.telegramChatId as number, text);
    }
    if (conv) {
      // Kept in the conversation so staff and the widget see it; inserted without touching the
      // conversation's last_message_at, which would stretch its session length by the delay.
      await deps.db.insert(messages).values({
        conversationId: conv.id,
        userProfileId: conv.userProfileId,
        role: "assistant",
        content: text,
        detectedLanguage: language,
        metadata: { followupId: f.id },
        createdAt: now,
      });
      await invalidateConversation(deps.cache, conv);
    }
  } catch (err) {
    // Not sent: hand it back so a retry can try again (Telegram down, 429...).
    await deps.db.update(followups).set({ status: "scheduled", sentAt: null }).where(eq(followups.id, f.id));
    throw err;
  }
  return "sent";
}

/** The "followups-due" job: sends every due follow-up a delayed job did not. */
export async function runDueFollowups(deps: FollowupDeps): Promise<Record<SendResult, number>> {
  const due = await deps.db
    .select({ id: followups.id })
    .from(followups)
    .where(and(eq(followups.status, "scheduled"), lte(followups.dueAt, deps.clock.now())))
    .orderBy(followups.dueAt)
    .limit(500);
  const counts: Record<SendResult, number> = {
    sent: 0,
    cancelled: 0,
    skipped: 0,
    not_due: 0,
    not_scheduled: 0,
  };
  for (const { id } of due) {
    try {
      counts[await sendFollowup(deps, id)]++;
    } catch (err) {
      deps.logger.warn({ followupId: id, err: (err as Error).message }, "follow-up not sent; will retry");
    }
  }
  return counts;
}

/** The latest web follow-up sent to a customer in the last week (for the widget to show). */
export async function latestWebFollowup(
  deps: Pick<Deps, "db" | "clock">,
  profileId: string,
): Promise<{ id: string; conversationId: string | null; text: string; sentAt: string } | null> {
  const weekAgo = new Date(deps.clock.now().getTime() - 7 * 86_400_000);
  const [f] = await deps.db
    .select()
    .from(followups)
    .where(
      and(
        eq(followups.userProfileId, profileId),
        eq(followups.channel, "web"),
        eq(followups.status, "sent"),
        gt(followups.sentAt, weekAgo),
      ),
    )
    .orderBy(sql`${followups.sentAt} desc`)
    .limit(1);
  if (!f?.sentAt) return null;
  const [p] = await deps.db.select().from(userProfiles).where(eq(userProfiles.id, profileId));
  const [conv] = f.conversationId
    ? await deps.db.select().from(conversations).where(eq(conversations.id, f.conversationId))
    : [];
  return {
    id: f.id,
    conversationId: f.conversationId,
    text: followupText(conv?.language ?? "en", p?.displayName ?? null),
    sentAt: f.sentAt.toISOString(),
  };
}
