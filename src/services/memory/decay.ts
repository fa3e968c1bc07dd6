/**
 * Daily decay (job "memory-decay"): a fact nobody used loses `decay_rate` importance per day;
 * below the keep threshold it becomes inactive. "Used" = the assistant's context included it
 * (last_accessed_at) since the previous run: such a fact is not charged for that period. Each run
 * stamps updated_at as the point decay was charged up to, so running twice a day (or on two
 * instances) never charges a day twice.
 */
import { sql } from "drizzle-orm";
import { type DbOrTx, execRows } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import { fullContextKeys } from "./cache.js";
import { IMPORTANCE_MIN } from "./index.js";

export interface DecayResult {
  decayed: number;
  deactivated: number;
  /** Profiles whose facts changed (their caches were invalidated). */
  profileIds: string[];
}

async function decayFacts(
  db: DbOrTx,
  now: Date,
): Promise<Array<{ user_profile_id: string; is_active: boolean }>> {
  const at = sql`${now.toISOString()}::timestamptz`;
  return execRows(
    db,
    sql`
    with d as (
      select id,
        case when last_accessed_at > updated_at then importance
          else greatest(0, importance - decay_rate * extract(epoch from (${at} - updated_at)) / 86400.0)
        end as imp
      from memory_facts
      where is_active and decay_rate > 0 and updated_at < ${at}
    )
    update memory_facts f
    set importance = d.imp, is_active = d.imp >= ${IMPORTANCE_MIN}, updated_at = ${at}
    from d where f.id = d.id
    returning f.user_profile_id, f.is_active`,
  );
}

export async function runMemoryDecay(deps: Pick<Deps, "db" | "cache" | "clock">): Promise<DecayResult> {
  const rows = await decayFacts(deps.db, deps.clock.now());
  const profileIds = [...new Set(rows.filter((r) => !r.is_active).map((r) => r.user_profile_id))];
  // Only a fact that dropped out changes what the assistant sees; lower importance alone
  // may reorder facts, which the 12 h context TTL tolerates.
  if (profileIds.length > 0) await deps.cache.delete(...profileIds.flatMap(fullContextKeys));
  return { decayed: rows.length, deactivated: rows.filter((r) => !r.is_active).length, profileIds };
}
