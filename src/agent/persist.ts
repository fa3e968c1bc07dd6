/**
 * The turn's reads and writes of its own rows, batched: the start of a turn is one write
 * (user message, conversation counters, profile stats, chat_message event) and the end is one
 * write (assistant message, conversation counters, agent state, traces, usage, the events
 * the tools caused). The same rows the services write one by one (addMessage,
 * recordCustomerMessage, trackEvent), in one round trip each, because a turn is the hot path.
 * Caches are updated in place (write-through) rather than dropped, so the next turn reads them
 * from memory; other instances drop theirs.
 *
 * Under load the writes of concurrent turns are group-committed (src/db/group-commit.ts): the
 * starts and ends of every turn that arrives while an earlier statement is being written go out
 * as one statement over all their rows, so PostgreSQL commits once for many turns.
 */
import { eq } from "drizzle-orm";
import { CacheKeys, CacheTTL } from "../cache/keys.js";
import type { CacheEntry } from "../cache/types.js";
import type { DatabaseHandle } from "../db/client.js";
import { GroupCommit } from "../db/group-commit.js";
import { agentSessions } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { type Conversation, HISTORY_LIMIT, type Message } from "../services/conversations.js";
import { eventInsertSql, eventRecords, type TrackEventInput } from "../services/events.js";
import {
  type NotificationRecord,
  type NotificationType,
  notificationInsertSql,
} from "../services/notifications.js";
import { LAST_VISIT_STEP_MS, type Profile, VISIT_GAP_MS } from "../services/profiles.js";
import { type TraceInput, traceInsertSql, traceRecords, usageInsertSql } from "../services/traces.js";
import { type AgentState, parseState } from "./state.js";

type PersistDeps = Pick<Deps, "db" | "database" | "cache" | "clock">;

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
  /** The message's id, when the caller needs it before the write returns. */
  id?: string;
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
 * The turn's writes, over any number of turns in one statement (group commit; a lone turn is a
 * batch of one): the starts in $1 (one row per turn: user message, conversation counters, profile
 * stats, chat_message event) and the ends in $2..$6 (assistant message, conversation counters,
 * agent state; traces, usage, events and staff records of all those turns). Starts and ends that
 * arrive together share the statement, so under load PostgreSQL runs and commits one statement
 * for both halves of many turns. A constant text run straight on the driver (prepared once per
 * connection): building it through drizzle's sql template cost more CPU than the rest of the
 * write path. The rows of one statement are of different conversations (see rounds()) but may
 * share a customer, so profile counters are summed per customer.
 */
const TURN_SQL = `with sx as (
    select * from jsonb_to_recordset($1::jsonb) as x(id uuid, conversation_id uuid, user_profile_id uuid,
      content text, language text, metadata jsonb, at timestamptz, gap_start timestamptz, event_data jsonb, channel text)
  ), sm as (
    insert into messages (id, conversation_id, user_profile_id, role, content, detected_language, metadata, created_at)
    select id, conversation_id, user_profile_id, 'user', content, language, metadata, at from sx
  ), sc as (
    update conversations set last_message_at = x.at, message_count = message_count + 1, language = x.language
    from sx x where conversations.id = x.conversation_id
    returning conversations.id, conversations.message_count, conversations.takeover_until
  ), spx as (
    select user_profile_id, count(*)::int as n, max(at) as at, min(gap_start) as gap_start from sx group by user_profile_id
  ), sp as (
    update user_profiles set total_messages = total_messages + px.n,
      total_visits = total_visits + case when last_visit < px.gap_start then 1 else 0 end,
      last_visit = case when last_visit < px.at - interval '${LAST_VISIT_STEP_MS} milliseconds'
        then px.at else last_visit end
    from spx px where user_profiles.id = px.user_profile_id
    returning user_profiles.id, total_visits, total_messages, is_blocked, last_visit, merged_into
  ), se as (
    insert into agent_events (user_profile_id, conversation_id, event_type, event_data, channel, created_at)
    select user_profile_id, conversation_id, 'chat_message', event_data, channel, at from sx
  ), fx as (
    select * from jsonb_to_recordset($2::jsonb) as x(conversation_id uuid, user_profile_id uuid, at timestamptz,
      state jsonb, reply_id uuid, content text, language text, product_cards jsonb, metadata jsonb)
  ), fm as (
    insert into messages (id, conversation_id, user_profile_id, role, content, detected_language, product_cards, metadata, created_at)
    select reply_id, conversation_id, user_profile_id, 'assistant', content, language, product_cards, metadata, at
    from fx where reply_id is not null
  ), fc as (
    update conversations set last_message_at = x.at, message_count = message_count + 1
    from fx x where conversations.id = x.conversation_id and x.reply_id is not null
  ), fs as (
    insert into agent_sessions (conversation_id, user_profile_id, state, version, created_at, updated_at)
    select conversation_id, user_profile_id, state, 1, at, at from fx
    on conflict (conversation_id) do update set state = excluded.state, version = agent_sessions.version + 1,
      updated_at = excluded.updated_at
    returning conversation_id, version
  ), ft as (${traceInsertSql("$3")}), fu as (${usageInsertSql("$4")}), fe as (${eventInsertSql("$5")}),
  fn as (${notificationInsertSql("$6")})
  select 's' as kind, c.id::text as conversation_id, c.message_count, c.takeover_until, p.total_visits,
    p.total_messages, p.is_blocked, p.last_visit, p.merged_into::text as merged_into, null::int as version,
    null::text as note_id, null::text as note_key
  from sc c join sx x on x.conversation_id = c.id join sp p on p.id = x.user_profile_id
  union all
  select 'f', conversation_id::text, null, null, null, null, null, null, null, version, null, null from fs
  union all
  select 'n', null, null, null, null, null, null, null, null, null, id::text, dedupe_key from fn`;

interface StartRow {
  id: string;
  conversation_id: string;
  user_profile_id: string;
  content: string;
  language: string;
  metadata: Record<string, unknown>;
  at: string;
  gap_start: string;
  event_data: Record<string, unknown>;
  channel: string;
}

interface StartCounters {
  message_count: number;
  takeover_until: string | Date | null;
  total_visits: number;
  total_messages: number;
  is_blocked: boolean;
  last_visit: string | Date;
  /** Set when the profile was merged into another (a Telegram link) after the caller read it. */
  merged_into: string | null;
}

interface FinishRow {
  conversation_id: string;
  user_profile_id: string;
  at: string;
  state: unknown;
  reply_id: string | null;
  content: string | null;
  language: string | null;
  product_cards: string[] | null;
  metadata: Record<string, unknown> | null;
  traces: unknown[];
  usage: unknown[];
  events: unknown[];
  notifications: NotificationRecord[];
}

/** What the end of a turn wrote: the agent state's version and the staff records that are new. */
interface Finished {
  version: number | undefined;
  notifications: Array<{ id: string; type: NotificationType }>;
}

type TurnWrite = { kind: "start"; row: StartRow } | { kind: "finish"; row: FinishRow };
/** A start's counters (undefined: its conversation or customer is gone), or an end's result. */
type TurnWritten = StartCounters | undefined | Finished;

interface TurnWriters {
  /** Starts and ends of turns, group-committed together. */
  turns: GroupCommit<TurnWrite, TurnWritten>;
  /** Starts and ends written so far (items of turns.stats, by kind), for tests and the bench. */
  counts: { starts: number; finishes: number };
}

type TurnOut = StartCounters & {
  kind: "s" | "f" | "n";
  conversation_id: string | null;
  version: number | null;
  note_id: string | null;
  note_key: string | null;
};

/**
 * The writes split into statements in which no conversation appears twice, in their order: two
 * updates of one row in one statement would keep only one of them. It happens only when a turn
 * outlived its lock and the next turn of the conversation started meanwhile; the later write then
 * goes in the next statement.
 */
function rounds(items: TurnWrite[]): TurnWrite[][] {
  const seen = new Map<string, number>();
  const out: TurnWrite[][] = [];
  for (const item of items) {
    // The k-th write of a conversation in this batch goes in the k-th statement.
    const k = seen.get(item.row.conversation_id) ?? 0;
    seen.set(item.row.conversation_id, k + 1);
    if (k === out.length) out.push([]);
    out[k]?.push(item);
  }
  return out;
}

const writers = new WeakMap<DatabaseHandle, TurnWriters>();

/** The group-commit writer of this database (one per database handle). */
export function turnWriters(database: DatabaseHandle): TurnWriters {
  let w = writers.get(database);
  if (w) return w;
  const counts = { starts: 0, finishes: 0 };
  const statement = async (items: TurnWrite[]): Promise<TurnWritten[]> => {
    const starts: StartRow[] = [];
    const finishes: FinishRow[] = [];
    for (const i of items) {
      if (i.kind === "start") starts.push(i.row);
      else finishes.push(i.row);
    }
    const out = await database.query<TurnOut>(TURN_SQL, [
      JSON.stringify(starts),
      JSON.stringify(finishes.map(({ traces: _t, usage: _u, events: _e, notifications: _n, ...r }) => r)),
      JSON.stringify(finishes.flatMap((r) => r.traces)),
      JSON.stringify(finishes.flatMap((r) => r.usage)),
      JSON.stringify(finishes.flatMap((r) => r.events)),
      JSON.stringify(finishes.flatMap((r) => r.notifications)),
    ]);
    counts.starts += starts.length;
    counts.finishes += finishes.length;
    const started = new Map<string, StartCounters>();
    const versions = new Map<string, number>();
    const created = new Map<string, string>();
    for (const o of out) {
      if (o.kind === "s") started.set(String(o.conversation_id), o);
      else if (o.kind === "f") versions.set(String(o.conversation_id), Number(o.version));
      else if (o.note_key !== null && o.note_id !== null) created.set(o.note_key, o.note_id);
    }
    return items.map((i): TurnWritten => {
      if (i.kind === "start") return started.get(i.row.conversation_id);
      return {
        version: versions.get(i.row.conversation_id),
        notifications: i.row.notifications.flatMap((n) => {
          const id = created.get(n.dedupe_key);
          return id ? [{ id, type: n.type }] : [];
        }),
      };
    });
  };
  const many = async (items: TurnWrite[]): Promise<TurnWritten[]> => {
    const parts = rounds(items);
    if (parts.length === 1) return statement(items);
    const results = new Map<TurnWrite, TurnWritten>();
    for (const part of parts) {
      const written = await statement(part);
      for (const [i, item] of part.entries()) results.set(item, written[i]);
    }
    return items.map((item) => results.get(item));
  };
  // A lone turn is a batch of one: the same statement.
  w = {
    turns: new GroupCommit({ one: async (item) => (await statement([item]))[0], many }),
    counts,
  };
  writers.set(database, w);
  return w;
}

/** Saves the customer's message with its counters and event, in one statement. */
export async function startTurn(deps: PersistDeps, input: StartTurnInput): Promise<StartTurnResult> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const gapStart = new Date(now.getTime() - VISIT_GAP_MS).toISOString();
  const id = input.id ?? crypto.randomUUID();
  const { profile, conversation: conv } = input;
  const r = (await turnWriters(deps.database).turns.submit({
    kind: "start",
    row: {
      id,
      conversation_id: conv.id,
      user_profile_id: profile.id,
      content: input.text,
      language: input.language,
      metadata: input.metadata ?? {},
      at: nowIso,
      gap_start: gapStart,
      event_data: { role: "user", language: input.language, length: input.text.length },
      channel: input.channel,
    },
  })) as StartCounters | undefined;
  if (!r) throw new Error("turn start: conversation or profile vanished");
  const message = messageOf(id, conv, "user", input.text, input.language, now, [], input.metadata);
  // The takeover as the database has it now: staff may have taken over or handed back since
  // `conv` was read (before the lock), and this copy is what the next turn reads.
  const takeover =
    r.takeover_until instanceof Date ? r.takeover_until.toISOString() : (r.takeover_until ?? null);
  const conversation: Conversation = {
    ...conv,
    lastMessageAt: nowIso,
    messageCount: Number(r.message_count),
    language: input.language,
    takeoverUntil: takeover,
  };
  const newVisit = Number(r.total_visits) !== profile.totalVisits;
  const updatedProfile: Profile = {
    ...profile,
    totalMessages: Number(r.total_messages),
    totalVisits: Number(r.total_visits),
    lastVisit: new Date(r.last_visit).toISOString(),
    isBlocked: Boolean(r.is_blocked),
  };
  const history = [...input.history, message].slice(-CACHED_MESSAGES);
  // The conversation and its messages are written again with the reply (finishTurn): until then
  // they are kept in this process and only dropped from Redis, so their full value crosses the
  // network once per turn. The profile is not written again: it goes to both tiers now. One
  // cache call, so one announcement to the other instances.
  // Values built here and not changed after (owned): frozen in place, not copied. The caller
  // gets the same frozen objects back.
  const entries: CacheEntry[] = [
    {
      key: CacheKeys.conversation(conv.id),
      value: conversation,
      ttl: CacheTTL.conversation,
      shared: "drop",
      owned: true,
    },
    {
      key: CacheKeys.conversationMessages(conv.id),
      value: history,
      ttl: CacheTTL.conversationMessages,
      shared: "drop",
      owned: true,
    },
  ];
  // A profile merged away since the caller read it (a Telegram link confirmed meanwhile): its
  // identities resolve to the survivor now, so they are dropped rather than written back.
  const merged = r.merged_into != null;
  if (profile.userId)
    entries.push({
      key: CacheKeys.userProfile(profile.userId),
      value: merged ? undefined : updatedProfile,
      ttl: merged ? 0 : CacheTTL.userProfile,
      owned: true,
    });
  if (profile.telegramUserId)
    entries.push({
      key: CacheKeys.userByTelegram(profile.telegramUserId),
      value: merged ? undefined : updatedProfile,
      ttl: merged ? 0 : CacheTTL.userByTelegram,
      owned: true,
    });
  // The context paragraph names the visit number: a new visit makes it stale (value undefined:
  // deleted on every tier).
  if (newVisit) entries.push({ key: CacheKeys.fullContext(profile.id), value: undefined, ttl: 0 });
  await deps.cache.setMany(entries);
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
  /** The conversation as it is now (with anything the turn changed, e.g. an order's id): it is cached as is. */
  conversation: Conversation;
  history: Message[];
  reply?: { content: string; language: string; productCards: string[]; metadata: Record<string, unknown> };
  session: StoredSession;
  state: AgentState;
  traces: TraceInput[];
  /** Events of the turn (order_attempt, agent_error), saved in the same statement. */
  events?: TrackEventInput[];
  /** Staff records the turn calls for, each written unless its subject already has one. */
  notifications?: NotificationRecord[];
}

/**
 * Saves the reply, the agent state, traces and usage in one statement, then updates the caches:
 * this process's memory at once, Redis without waiting for its answer (see below).
 */
export async function finishTurn(
  deps: PersistDeps,
  input: FinishTurnInput,
): Promise<{
  message?: Message;
  /** The staff records written now (not those whose subject had one already). */
  notifications: Array<{ id: string; type: NotificationType }>;
}> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const conv = input.conversation;
  const id = crypto.randomUUID();
  const records = traceRecords(input.traces);
  const written = (await turnWriters(deps.database).turns.submit({
    kind: "finish",
    row: {
      conversation_id: conv.id,
      user_profile_id: conv.userProfileId,
      at: nowIso,
      state: input.state,
      reply_id: input.reply ? id : null,
      content: input.reply?.content ?? null,
      language: input.reply?.language ?? null,
      product_cards: input.reply?.productCards ?? null,
      metadata: input.reply?.metadata ?? null,
      traces: records.traces,
      usage: records.usage,
      events: eventRecords(input.events ?? [], now),
      notifications: input.notifications ?? [],
    },
  })) as Finished;
  const version = written.version;
  const entries: CacheEntry[] = [
    {
      key: CacheKeys.agentSession(conv.id),
      value: { state: input.state, version: version ?? input.session.version + 1 },
      ttl: CacheTTL.agentSession,
      // The turn's state and the values below are not changed after this: frozen in place.
      owned: true,
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
      owned: true,
    });
    entries.push({
      key: CacheKeys.conversation(conv.id),
      value: { ...conv, lastMessageAt: nowIso, messageCount: conv.messageCount + 1 },
      ttl: CacheTTL.conversation,
      owned: true,
    });
  }
  // The conversation list is dropped (value undefined) in the same call: one announcement.
  entries.push({ key: CacheKeys.conversationList(conv.userProfileId), value: undefined, ttl: 0 });
  // This process's memory has the new values as soon as setMany is called; its Redis write is sent
  // and not waited for (setMany never rejects: a failed write is replayed as a deletion). A Redis
  // command sent after it on the same connection (the turn's lock release) reaches Redis after it.
  void deps.cache.setMany(entries);
  return { message, notifications: written.notifications };
}
