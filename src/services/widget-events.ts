/**
 * Events only the widget sees (voice input, product cards viewed or clicked), recorded for the
 * customer of the cookie. A conversation id is kept only when it is this customer's: another's
 * id is dropped, so nobody can attach events to someone else's conversation.
 */
import type { Deps } from "../deps.js";
import { getConversation } from "./conversations.js";
import { trackEvent } from "./events.js";
import { getOrCreateWebProfile } from "./profiles.js";

export const WIDGET_EVENT_TYPES = ["voice_input", "product_view", "product_click"] as const;
export type WidgetEventType = (typeof WIDGET_EVENT_TYPES)[number];

export interface WidgetEvent {
  type: WidgetEventType;
  productId?: string;
  productName?: string;
  conversationId?: string;
  data?: Record<string, string | number | boolean>;
}

export async function recordWidgetEvent(
  deps: Pick<Deps, "db" | "database" | "cache" | "clock">,
  webUserId: string,
  e: WidgetEvent,
): Promise<void> {
  const profile = await getOrCreateWebProfile(deps, webUserId);
  const conv = e.conversationId ? await getConversation(deps, e.conversationId) : undefined;
  await trackEvent(deps.db, {
    eventType: e.type,
    userProfileId: profile.id,
    conversationId: conv?.userProfileId === profile.id ? conv.id : null,
    channel: "web",
    eventData: {
      // Where the customer saw the product (the widget sends "agent_recommendation" for cards in
      // the chat); "widget" when it does not say.
      source: "widget",
      ...(e.data ?? {}),
      ...(e.productId ? { productId: e.productId } : {}),
      ...(e.productName ? { productName: e.productName } : {}),
    },
    at: deps.clock.now(),
  });
}
