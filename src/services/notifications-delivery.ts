/**
 * Delivering staff notification records to TELEGRAM_STAFF_CHAT_ID (the `notify-staff` job).
 *
 * Exactly-once as far as we can make it: the row is claimed with one conditional update
 * (pending → sending), so concurrent or repeated jobs for the same record send nothing twice.
 * While a row is `sending`, sent_at holds the claim time; a claim older than STALE_CLAIM_MS is
 * taken over (its process died mid-send). Every attempt and outcome is written to the row:
 * attempts, last_error, sent_at, telegram_message_id. Telegram's 429 retry_after is honoured
 * (the job waits exactly that long without spending an attempt); 5xx and network errors retry
 * with backoff; other 4xx fail for good.
 */
import { and, eq, sql } from "drizzle-orm";
import { GrammyError, HttpError } from "grammy";
import { renderStaffAlert } from "../channels/telegram/staff-alert.js";
import { execRows } from "../db/client.js";
import { findOrderById } from "../db/queries/orders.js";
import { conversations, notifications } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { PermanentJobError, RetryLaterError } from "../jobs/types.js";
import { redactText } from "../logger.js";
import { jsonify } from "./json.js";
import { getProfileById } from "./profiles.js";

export const NOTIFY_STAFF_JOB = "notify-staff";
const STALE_CLAIM_MS = 2 * 60_000;

type NotificationRow = typeof notifications.$inferSelect;

async function claim(deps: Pick<Deps, "db">, id: string): Promise<NotificationRow | undefined> {
  const [row] = await execRows<{ id: string }>(
    deps.db,
    sql`update notifications set status = 'sending', attempts = attempts + 1, sent_at = now()
        where id = ${id}
          and (status = 'pending'
               or (status = 'sending' and sent_at < now() - ${STALE_CLAIM_MS} * interval '1 millisecond'))
        returning id`,
  );
  if (!row) return undefined;
  const [full] = await deps.db.select().from(notifications).where(eq(notifications.id, id));
  return full;
}

async function release(
  deps: Pick<Deps, "db">,
  id: string,
  status: "pending" | "failed" | "skipped",
  error: string,
): Promise<void> {
  await deps.db
    .update(notifications)
    .set({ status, lastError: redactText(error).slice(0, 1000), sentAt: null })
    .where(and(eq(notifications.id, id), eq(notifications.status, "sending")));
}

function sharedLocationOf(metadata: Record<string, unknown> | undefined) {
  const loc = metadata?.location as { latitude?: unknown; longitude?: unknown } | undefined;
  return typeof loc?.latitude === "number" && typeof loc.longitude === "number"
    ? { latitude: loc.latitude, longitude: loc.longitude }
    : undefined;
}

export async function deliverNotification(
  deps: Deps,
  notificationId: string,
  attempt: { last: boolean },
): Promise<void> {
  const n = await claim(deps, notificationId);
  if (!n) return; // sent, failed for good, or being sent by someone else right now
  const api = deps.telegram?.api;
  const chatId = deps.config.telegram.staffChatId;
  if (!api || !chatId) {
    await release(deps, n.id, "skipped", "Telegram or TELEGRAM_STAFF_CHAT_ID is not configured");
    return;
  }
  const [order, profile, conv] = await Promise.all([
    n.orderId ? findOrderById(deps.db, n.orderId) : undefined,
    n.userProfileId ? getProfileById(deps, n.userProfileId) : undefined,
    n.conversationId
      ? deps.db
          .select()
          .from(conversations)
          .where(eq(conversations.id, n.conversationId))
          .then((r) => r[0])
      : undefined,
  ]);
  const { html, keyboard } = renderStaffAlert(n, {
    order: order ? jsonify(order) : undefined,
    customer: profile ? { ...profile, channel: conv?.channel } : undefined,
    sharedLocation: sharedLocationOf(conv?.metadata),
  });
  try {
    const msg = await api.sendMessage(chatId, html, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(keyboard ? { reply_markup: keyboard } : {}),
    });
    await deps.db
      .update(notifications)
      .set({ status: "sent", sentAt: deps.clock.now(), telegramMessageId: msg.message_id, lastError: null })
      .where(eq(notifications.id, n.id));
  } catch (err) {
    if (err instanceof GrammyError && err.error_code === 429) {
      const seconds = err.parameters.retry_after ?? 1;
      await release(deps, n.id, "pending", `429: retry after ${seconds} s`);
      throw new RetryLaterError(seconds * 1000, `Telegram asked to wait ${seconds} s`);
    }
    const permanent = err instanceof GrammyError && err.error_code >= 400 && err.error_code < 500;
    const message =
      err instanceof GrammyError
        ? `${err.error_code}: ${err.description}`
        : err instanceof HttpError
          ? `network: ${err.message}`
          : String(err);
    await release(deps, n.id, permanent || attempt.last ? "failed" : "pending", message);
    if (permanent) throw new PermanentJobError(redactText(message));
    throw new Error(redactText(message));
  }
}
