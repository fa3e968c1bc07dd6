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

export async function trackEvent(db: DbOrTx, e: TrackEventInput): Promise<void> {
  await db.insert(agentEvents).values({
    eventType: e.eventType,
    userProfileId: e.userProfileId ?? null,
    conversationId: e.conversationId ?? null,
    orderId: e.orderId ?? null,
    eventData: e.eventData ?? {},
    channel: e.channel ?? null,
    sessionId: e.sessionId ?? null,
    ...(e.at ? { createdAt: e.at } : {}),
  });
}

export async function trackEvents(db: DbOrTx, events: TrackEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await db.insert(agentEvents).values(
    events.map((e) => ({
      eventType: e.eventType,
      userProfileId: e.userProfileId ?? null,
      conversationId: e.conversationId ?? null,
      orderId: e.orderId ?? null,
      eventData: e.eventData ?? {},
      channel: e.channel ?? null,
      sessionId: e.sessionId ?? null,
      ...(e.at ? { createdAt: e.at } : {}),
    })),
  );
}
