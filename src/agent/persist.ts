/**
 * The turn's reads and writes of its own rows, batched: the start of a turn is one statement
 * (user message, conversation counters, profile stats, chat_message event) and the end is one
 * statement (assistant message, conversation counters, agent state, traces, usage, the events
 * the tools caused). The same rows the services write one by one (addMessage,
 * recordCustomerMessage, trackEvent), in one round trip each, because a turn is the hot path.
 * Caches are updated in place (write-through) rather than dropped, so the next turn reads them
 * from memory; other instances drop theirs.
 */
import { eq } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import type { CacheEntry } from "../cache/types.js";
import { agentSessions } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { type Conversation, HISTORY_LIMIT, type Message } from "../services/conversations.js";
import { eventInsertSql, eventRecords, type TrackEventInput } from "../services/events.js";
import type { Profile } from "../services/profiles.js";
import { type TraceInput, traceInsertSql, traceRecords, usageInsertSql } from "../services/traces.js";
import { type AgentState, parseState } from "./state.js";

type PersistDeps = Pick<Deps, "db" | "database" | "cache" | "clock">;

/** A new visit starts when the customer comes back after this long (as recordCustomerMessage). */
const VISIT_GAP_MS = 30 * 60 * 1000;
/** As many messages as getRecentMessages keeps cached: the last 12, all the prompt uses. */
const CACHED_MESSAGES = HISTORY_LIMIT;

export interface StoredSession {
  state: AgentState;
  version: number;
}

export async function loadSession(deps: PersistDeps, conversationId: string): Promise<StoredSession> {
  return deps.cache.getOrSet(
    CacheKeys.agentSession(conversationId),
    async () => {
      const [row] = await deps.db
        .select({ state: agentSessions.state, version: agentSessions.version })
        .from(agentSessions)
        .where(eq(agentSessions.conversationId, conversationId));
      return row
        ? { state: parseState(row.state), version: row.version }
        : { state: parseState(undefined), version: 0 };
    },
    { ttl: CacheTTL.agentSession },
  );
}

export interface StartTurnInput {
  profile: Profile;
  conversation: Conversation;
  /** The cached recent messages before this one (oldest first). */
  history: Message[];
  text: string;
  language: string;
  channel: string;
  metadata?: Record<string, unknown>;
}

export interface StartTurnResult {
  message: Message;
  conversation: Conversation;
  profile: Profile;
  isBlocked: boolean;
  takeoverUntil: string | null;
  history: Message[];
}

function messageOf(
  id: string,
  conv: Pick<Conversation, "id" | "userProfileId">,
  role: Message["role"],
  content: string,
  language: string | null,
  now: Date,
  productCards: string[] = [],
  metadata: Record<string, unknown> = {},
): Message {
  return {
    id,
    conversationId: conv.id,
    userProfileId: conv.userProfileId,
    role,
    content,
    detectedLanguage: language,
    productCards,
    metadata,
    createdAt: now.toISOString(),
  };
}

/*
 * The turn's two statements are constant texts with positional parameters, run straight on the
 * driver (prepared once per connection): building them through drizzle's sql template cost more
 * CPU than the rest of the write path.
 */
const START_SQL = `with m as (
    insert into messages (id, conversation_id, user_profile_id, role, content, detected_language, metadata, created_at)
    values ($1, $2, $3, 'user', $4, $5, $6::jsonb, $7::timestamptz)
  ), c as (
    update conversations set last_message_at = $7::timestamptz, message_count = message_count + 1, language = $5
    where id = $2 returning message_count, takeover_until
  ), p as (
    update user_profiles set total_messages = total_messages + 1,
      total_visits = total_visits + case when last_visit < $8::timestamptz then 1 else 0 end,
      last_visit = $7::timestamptz
    where id = $3 returning total_visits, total_messages, is_blocked
  ), e as (
    insert into agent_events (user_profile_id, conversation_id, event_type, event_data, channel, created_at)
    values ($3, $2, 'chat_message', $9::jsonb, $10, $7::timestamptz)
  )
  select c.message_count, c.takeover_until, p.total_visits, p.total_messages, p.is_blocked from c, p`;

/** $1 conversation, $2 profile, $3 now, $4 state, $5 traces, $6 usage, $7 events (+ the reply's $8-$12). */
const FINISH_PARTS = `s as (
    insert into agent_sessions (conversation_id, user_profile_id, state, version, created_at, updated_at)
    values ($1, $2, $4::jsonb, 1, $3::timestamptz, $3::timestamptz)
    on conflict (conversation_id) do update set state = excluded.state, version = agent_sessions.version + 1,
      updated_at = excluded.updated_at
    returning version
  ), t as (${traceInsertSql("$5")}), u as (${usageInsertSql("$6")}), e as (${eventInsertSql("$7")})`;
const FINISH_SQL = `with ${FINISH_PARTS} select version from s`;
const FINISH_WITH_REPLY_SQL = `with m as (
    insert into messages (id, conversation_id, user_profile_id, role, content, detected_language, product_cards, metadata, created_at)
    values ($8, $1, $2, 'assistant', $9, $10, $11::jsonb, $12::jsonb, $3::timestamptz)
  ), c as (
    update conversations set last_message_at = $3::timestamptz, message_count = message_count + 1 where id = $1
  ), ${FINISH_PARTS} select version from s`;

/** Saves the customer's message with its counters and event, in one statement. */
export async function startTurn(deps: PersistDeps, input: StartTurnInput): Promise<StartTurnResult> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const gapStart = new Date(now.getTime() - VISIT_GAP_MS).toISOString();
  const id = crypto.randomUUID();
  const { profile, conversation: conv } = input;
  const [r] = await deps.database.query<{
    message_count: number;
    takeover_until: string | Date | null;
    total_visits: number;
    total_messages: number;
    is_blocked: boolean;
  }>(START_SQL, [
    id,
    conv.id,
    profile.id,
    input.text,
    input.language,
    JSON.stringify(input.metadata ?? {}),
    nowIso,
    gapStart,
    JSON.stringify({ role: "user", language: input.language, length: input.text.length }),
    input.channel,
  ]);
  if (!r) throw new Error("turn start: conversation or profile vanished");
  const message = messageOf(id, conv, "user", input.text, input.language, now, [], input.metadata);
  const conversation: Conversation = {
    ...conv,
    lastMessageAt: nowIso,
    messageCount: Number(r.message_count),
    language: input.language,
  };
  const newVisit = Number(r.total_visits) !== profile.totalVisits;
  const updatedProfile: Profile = {
    ...profile,
    totalMessages: Number(r.total_messages),
    totalVisits: Number(r.total_visits),
    lastVisit: nowIso,
    isBlocked: Boolean(r.is_blocked),
  };
  const history = [...input.history, message].slice(-CACHED_MESSAGES);
  const entries: CacheEntry[] = [
    { key: CacheKeys.conversation(conv.id), value: conversation, ttl: CacheTTL.conversation },
    { key: CacheKeys.conversationMessages(conv.id), value: history, ttl: CacheTTL.conversationMessages },
  ];
  if (profile.userId)
    entries.push({
      key: CacheKeys.userProfile(profile.userId),
      value: updatedProfile,
      ttl: CacheTTL.userProfile,
    });
  if (profile.telegramUserId)
    entries.push({
      key: CacheKeys.userByTelegram(profile.telegramUserId),
      value: updatedProfile,
      ttl: CacheTTL.userByTelegram,
    });
  await deps.cache.setMany(entries);
  // The context paragraph names the visit number: a new visit makes it stale.
  if (newVisit) await deps.cache.delete(CacheKeys.fullContext(profile.id));
  const takeover =
    r.takeover_until instanceof Date ? r.takeover_until.toISOString() : (r.takeover_until ?? null);
  return {
    message,
    conversation,
    profile: updatedProfile,
    isBlocked: Boolean(r.is_blocked),
    takeoverUntil: takeover,
    history,
  };
}

export interface FinishTurnInput {
  conversation: Conversation;
  history: Message[];
  reply?: { content: string; language: string; productCards: string[]; metadata: Record<string, unknown> };
  session: StoredSession;
  state: AgentState;
  traces: TraceInput[];
  /** Events of the turn (order_attempt, agent_error), saved in the same statement. */
  events?: TrackEventInput[];
  /** Whether another write (an order) changed the conversation row, so its cache must be dropped. */
  conversationChanged: boolean;
}

/** Saves the reply, the agent state, traces and usage in one statement. */
export async function finishTurn(deps: PersistDeps, input: FinishTurnInput): Promise<{ message?: Message }> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const conv = input.conversation;
  const id = crypto.randomUUID();
  const records = traceRecords(input.traces);
  const params: unknown[] = [
    conv.id,
    conv.userProfileId,
    nowIso,
    JSON.stringify(input.state),
    JSON.stringify(records.traces),
    JSON.stringify(records.usage),
    JSON.stringify(eventRecords(input.events ?? [], now)),
  ];
  if (input.reply) {
    params.push(
      id,
      input.reply.content,
      input.reply.language,
      JSON.stringify(input.reply.productCards),
      JSON.stringify(input.reply.metadata),
    );
  }
  const [r] = await deps.database.query<{ version: number }>(
    input.reply ? FINISH_WITH_REPLY_SQL : FINISH_SQL,
    params,
  );
  const entries: CacheEntry[] = [
    {
      key: CacheKeys.agentSession(conv.id),
      value: { state: input.state, version: Number(r?.version ?? input.session.version + 1) },
      ttl: CacheTTL.agentSession,
    },
  ];
  let message: Message | undefined;
  if (input.reply) {
    message = messageOf(
      id,
      conv,
      "assistant",
      input.reply.content,
      input.reply.language,
      now,
      input.reply.productCards,
      input.reply.metadata,
    );
    entries.push({
      key: CacheKeys.conversationMessages(conv.id),
      value: [...input.history, message].slice(-CACHED_MESSAGES),
      ttl: CacheTTL.conversationMessages,
    });
    if (!input.conversationChanged) {
      entries.push({
        key: CacheKeys.conversation(conv.id),
        value: { ...conv, lastMessageAt: nowIso, messageCount: conv.messageCount + 1 },
        ttl: CacheTTL.conversation,
      });
    }
  }
  const stale = [CacheKeys.conversationList(conv.userProfileId)];
  if (input.conversationChanged) stale.push(CacheKeys.conversation(conv.id));
  await Promise.all([deps.cache.setMany(entries), deps.cache.delete(...stale)]);
  return { message };
}
