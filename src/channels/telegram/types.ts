/** What the Telegram channel needs from the assistant: the same turn the web chat runs. */
import type { Deps } from "../../deps.js";
import type { Profile } from "../../services/profiles.js";

export interface TurnInput {
  channel: "web" | "telegram";
  profile: Profile;
  text: string;
  language?: string;
  conversationId?: string;
}

export interface TurnOutput {
  content: string;
  conversationId: string;
  /** Product ids or cards ({id, name}) the reply mentions. */
  productCards: unknown[];
  language: string;
  orderNumber?: string;
  /** Staff took the conversation over: nothing to send. */
  silent: boolean;
}

export type TurnRunner = (deps: Deps, input: TurnInput) => Promise<TurnOutput>;
