/** Agent events (the ten types of SPEC §2), recorded by the paths that cause them. */
import type { DbOrTx } from "../db/client.js";
import { agentEvents } from "../db/schema.js";

export const EVENT_TYPES = [
  "chat_message",
  "order_attempt",
  "order_success",
  "agent_error",
  "feedback",
  "voice_input",
  "product_view",
  "product_click",
  "session_start",
  "session_end",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface TrackEventInput {
  eventType: EventType;
  userProfileId?: string | null;
  conversationId?: string | null;
  orderId?: string | null;
  eventData?: Record<string, unknown>;
  channel?: string | null;
  sessionId?: string | null;
  at?: Date;
}

function eventRow(e: TrackEventInput) {
  return {
    eventType: e.eventType,
    userProfileId: e.userProfileId ?? null,
    conversationId: e.conversationId ?? null,
    orderId: e.orderId ?? null,
    eventData: e.eventData ?? {},
    channel: e.channel ?? null,
    sessionId: e.sessionId ?? null,
    ...(e.at ? { createdAt: e.at } : {}),
  };
}

export async function trackEvent(db: DbOrTx, e: TrackEventInput): Promise<void> {
  await db.insert(agentEvents).values(eventRow(e));
}

export async function trackEvents(db: DbOrTx, events: TrackEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await db.insert(agentEvents).values(events.map(eventRow));
}

/** Events as the rows `eventInsertSql` reads; `now` is the time of events without `at`. */
export function eventRecords(events: TrackEventInput[], now: Date) {
  return events.map((e) => ({
    event_type: e.eventType,
    user_profile_id: e.userProfileId ?? null,
    conversation_id: e.conversationId ?? null,
    order_id: e.orderId ?? null,
    event_data: e.eventData ?? {},
    channel: e.channel ?? null,
    session_id: e.sessionId ?? null,
    created_at: (e.at ?? now).toISOString(),
  }));
}

/**
 * `insert … select from jsonb_to_recordset(<param>)` of eventRecords(), for callers that fold
 * it into a statement of their own (the assistant's turn writes its events with the reply).
 */
export function eventInsertSql(param: string): string {
  return `insert into agent_events (event_type, user_profile_id, conversation_id, order_id, event_data, channel,
      session_id, created_at)
    select event_type, user_profile_id, conversation_id, order_id, event_data, channel, session_id, created_at
    from jsonb_to_recordset(${param}::jsonb) as x(event_type text, user_profile_id uuid,
      conversation_id uuid, order_id uuid, event_data jsonb, channel text, session_id text, created_at timestamptz)`;
}
