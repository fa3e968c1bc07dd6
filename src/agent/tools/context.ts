/**
 * What every tool gets from the server: who the customer is, which conversation, the catalog
 * and settings of this turn, and the agent state it may change. Tools never take identity, shop
 * or prices from the model's arguments.
 */
import type { Deps } from "../../deps.js";
import type { CatalogItem } from "../../services/catalog/types.js";
import type { Channel } from "../../services/conversations.js";
import type { TrackEventInput } from "../../services/events.js";
import type { Order } from "../../services/orders/create.js";
import type { Profile } from "../../services/profiles.js";
import type { Language, ShopSettings } from "../../services/settings.js";
import type { AgentState } from "../state.js";

export interface TurnEffects {
  /** Notification ids created during this turn. */
  notifications: string[];
  order?: Order;
  /** Products the tools returned (suggestedProducts). */
  productIds: string[];
  /** Tool calls the server refused (traced as BLOCKED). */
  blocked: Array<{ tool: string; reason: string }>;
  /** Whether a tool read or changed customer-specific data (such answers are never cached). */
  personal: boolean;
  /** Events the tools caused (order_attempt); written with the reply in the turn's last statement. */
  events: TrackEventInput[];
}

export interface ToolContext {
  deps: Deps;
  profile: Profile;
  conversationId: string;
  channel: Channel;
  userMessageId: string;
  userText: string;
  language: Language;
  /** The active catalog (all items; `useStock` narrows searches to in-stock ones). */
  catalog: CatalogItem[];
  useStock: boolean;
  settings: ShopSettings;
  state: AgentState;
  effects: TurnEffects;
  /**
   * Resolves once the customer's message is saved (it is written while the model runs). Tools
   * that write wait for it, so nothing a message causes is stored before the message itself.
   */
  saved: Promise<unknown>;
}

export function newEffects(): TurnEffects {
  return { notifications: [], productIds: [], blocked: [], personal: false, events: [] };
}

/** Queues an `order_attempt` event for this turn (saved with the reply, timed now). */
export function recordOrderAttempt(ctx: ToolContext, eventData: Record<string, unknown>): TrackEventInput {
  const event: TrackEventInput = {
    eventType: "order_attempt",
    userProfileId: ctx.profile.id,
    conversationId: ctx.conversationId,
    channel: ctx.channel,
    eventData,
    at: ctx.deps.clock.now(),
  };
  ctx.effects.events.push(event);
  return event;
}
