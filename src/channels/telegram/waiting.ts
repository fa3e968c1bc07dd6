/**
 * The "waiting" state of an inline-keyboard confirmation (seed 004): a button pressed within
 * 5 minutes must find what it confirms. Kept in the cache as workflow:waiting:{conversationId}
 * (fast path, TTL 5 min) and persisted in agent_sessions.state.telegramWaiting, so a Redis
 * restart does not lose it. Taking it is one conditional database update: a button works once.
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../../cache/keys.js";
import { execRows } from "../../db/client.js";
import type { Deps } from "../../deps.js";

export interface Waiting {
  token: string;
  kind: "order-confirmation";
  conversationId: string;
  draftVersion: number;
  expiresAt: string;
}

type WaitDeps = Pick<Deps, "db" | "cache" | "clock">;

export async function putWaiting(deps: WaitDeps, w: Omit<Waiting, "token" | "expiresAt">): Promise<Waiting> {
  const waiting: Waiting = {
    ...w,
    token: randomBytes(6).toString("base64url"),
    expiresAt: new Date(deps.clock.now().getTime() + CacheTTL.workflowWaiting * 1000).toISOString(),
  };
  await execRows(
    deps.db,
    sql`insert into agent_sessions (conversation_id, state)
        values (${w.conversationId}, jsonb_build_object('telegramWaiting', ${JSON.stringify(waiting)}::jsonb))
        on conflict (conversation_id) do update
          set state = jsonb_set(agent_sessions.state, '{telegramWaiting}', ${JSON.stringify(waiting)}::jsonb)`,
  );
  await deps.cache.set(CacheKeys.workflowWaiting(w.conversationId), waiting, {
    ttl: CacheTTL.workflowWaiting,
  });
  return waiting;
}

/**
 * Takes the waiting state for this button (once). A cache hit with another token is a quick
 * "no"; a cache miss (expired, or Redis restarted) falls through to the database.
 */
export async function takeWaiting(
  deps: WaitDeps,
  conversationId: string,
  token: string,
): Promise<Waiting | undefined> {
  const cached = await deps.cache.get<Waiting>(CacheKeys.workflowWaiting(conversationId));
  if (cached && cached.token !== token) return undefined;
  const [row] = await execRows<{ waiting: Waiting }>(
    deps.db,
    sql`update agent_sessions s set state = s.state - 'telegramWaiting'
        from (select state->'telegramWaiting' as waiting from agent_sessions
              where conversation_id = ${conversationId} for update) old
        where s.conversation_id = ${conversationId}
          and old.waiting->>'token' = ${token}
        returning old.waiting as waiting`,
  );
  await deps.cache.delete(CacheKeys.workflowWaiting(conversationId));
  const w = row?.waiting;
  if (!w || new Date(w.expiresAt) <= deps.clock.now()) return undefined;
  return w;
}
