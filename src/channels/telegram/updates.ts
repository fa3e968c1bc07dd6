/**
 * Exactly-once handling of Telegram updates. Telegram redelivers an update until it gets a 2xx,
 * and several instances may receive the same one; the database decides:
 *
 * 1. receiveUpdate (webhook / polling): `insert … on conflict do nothing` into telegram_updates
 *    claims the update_id; a new (or never-started) update is queued as a `telegram-update` job
 *    with dedupe key tg:<update_id>.
 * 2. the job moves the row received → processing with one conditional update; only the winner
 *    runs the handlers, then marks it done. A claim older than STALE_MS (its process died) can be
 *    taken again.
 *
 * NUL characters are stripped from the update on the way in (withoutNul): the database can store
 * neither the job's payload nor the customer's message with them.
 */
import { sql } from "drizzle-orm";
import type { Update } from "grammy/types";
import { execRows } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { withoutNul } from "./sanitize.js";

export const TELEGRAM_UPDATE_JOB = "telegram-update";
const STALE_MS = 5 * 60_000;

/** Records and queues an update. Returns false when it was already handled or under way. */
export async function receiveUpdate(deps: Deps, received: Update): Promise<boolean> {
  const update = withoutNul(received);
  const id = update.update_id;
  const [row] = await execRows<{ status: string; inserted: boolean }>(
    deps.db,
    sql`with ins as (
          insert into telegram_updates (update_id) values (${id}) on conflict (update_id) do nothing
          returning status, true as inserted)
        select status, inserted from ins
        union all
        select status, false as inserted from telegram_updates
          where update_id = ${id} and not exists (select 1 from ins)`,
  );
  // A redelivery of an update that was recorded but never started (the process died between
  // the insert and the enqueue) is queued again; the job's dedupe key drops a true duplicate.
  if (!row || (!row.inserted && row.status !== "received")) return false;
  if (deps.jobs) {
    await deps.jobs.enqueue(TELEGRAM_UPDATE_JOB, { update }, { dedupeKey: `tg:${id}`, attempts: 3 });
  } else {
    await processUpdate(deps, update, { last: true });
  }
  return true;
}

/** The job: claim, handle, mark done (or give the claim back for a retry). */
export async function processUpdate(deps: Deps, update: Update, attempt: { last: boolean }): Promise<void> {
  const channel = deps.telegram;
  if (!channel) throw new Error("telegram is not configured in this process");
  const id = update.update_id;
  const claimed = await execRows<{ update_id: number }>(
    deps.db,
    sql`update telegram_updates set status = 'processing', processed_at = now()
        where update_id = ${id}
          and (status = 'received'
               or (status = 'processing' and processed_at < now() - ${STALE_MS} * interval '1 millisecond'))
        returning update_id`,
  );
  if (claimed.length === 0) return;
  try {
    await channel.handle(update);
  } catch (err) {
    await execRows(
      deps.db,
      sql`update telegram_updates set status = ${attempt.last ? "failed" : "received"} where update_id = ${id}`,
    );
    throw err;
  }
  await execRows(
    deps.db,
    sql`update telegram_updates set status = 'done', processed_at = now() where update_id = ${id}`,
  );
}
