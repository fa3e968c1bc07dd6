/**
 * What a customer's message is about, by keyword rules in four languages. Used by the server's
 * staff-notification matrix and the semantic cache (for every model) and by the offline assistant.
 */
import {
  ADDRESS_WORDS,
  CONFIRM_WORDS,
  DECLINE_WORDS,
  DELIVERY_WORDS,
  GREETING_WORDS,
  HOURS_WORDS,
  HUMAN_WORDS,
  hasAny,
  KNOWLEDGE_WORDS,
  matchKeys,
  normalizeText,
  ORDER_WORDS,
  PAYMENT_QUESTION_WORDS,
  PRICE_WORDS,
  RECOMMEND_WORDS,
  STOCK_WORDS,
  THANKS_WORDS,
} from "./lexicon.js";

export interface Intents {
  greeting: boolean;
  recommend: boolean;
  price: boolean;
  stock: boolean;
  order: boolean;
  confirm: boolean;
  decline: boolean;
  human: boolean;
  hours: boolean;
  address: boolean;
  delivery: boolean;
  payment: boolean;
  thanks: boolean;
  /** "what is indica" and friends: the key of KNOWLEDGE_WORDS. */
  knowledge?: string;
}

const QUESTION =
  /[?？]|^(how|what|when|where|do you|can i|как|что|когда|где|можно|сколько|як|що|коли|де|чи)\b/iu;

const INTENTS_MAX = 256;
const INTENTS_MAX_CHARS = 1000;
/** Recent messages' intents: a turn asks twice (the server's matrix, the offline assistant). */
const recentIntents = new Map<string, Intents>();

export function detectIntents(raw: string): Intents {
  let i = recentIntents.get(raw);
  if (i === undefined) {
    i = computeIntents(raw);
    if (raw.length <= INTENTS_MAX_CHARS) {
      if (recentIntents.size >= INTENTS_MAX) recentIntents.clear();
      recentIntents.set(raw, i);
    }
  }
  return { ...i };
}

function computeIntents(raw: string): Intents {
  const t = normalizeText(raw);
  const short = t.replace(/[^\p{L}\p{M}\p{N} ]/gu, "").trim();
  const [knowledge] = matchKeys(t, KNOWLEDGE_WORDS);
  const question = QUESTION.test(t);
  return {
    greeting: hasAny(t, GREETING_WORDS) && short.split(" ").length <= 4,
    recommend: hasAny(t, RECOMMEND_WORDS),
    price: hasAny(t, PRICE_WORDS),
    stock: hasAny(t, STOCK_WORDS),
    order: hasAny(t, ORDER_WORDS),
    confirm: isConfirmation(raw),
    decline: hasAny(short, DECLINE_WORDS) && short.split(" ").length <= 6,
    human: hasAny(t, HUMAN_WORDS),
    hours: hasAny(t, HOURS_WORDS) && question,
    address: hasAny(t, ADDRESS_WORDS),
    delivery: hasAny(t, DELIVERY_WORDS) && question,
    payment: hasAny(t, PAYMENT_QUESTION_WORDS) && question,
    thanks: hasAny(t, THANKS_WORDS),
    knowledge,
  };
}

/**
 * An explicit "yes" to an order summary. Deliberately strict: a short message that says yes and
 * does not also say no. The server checks this itself before an order is created.
 */
export function isConfirmation(raw: string): boolean {
  const t = normalizeText(raw)
    .replace(/[^\p{L}\p{M}\p{N}\s'-]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (t.length === 0 || t.split(" ").length > 8) return false;
  return hasAny(t, CONFIRM_WORDS) && !hasAny(t, DECLINE_WORDS);
}

/** A general question whose answer is the same for every customer (semantic-cache candidates). */
export function generalTopic(i: Intents): string | undefined {
  if (i.human || i.order || i.confirm || i.price || i.recommend) return undefined;
  if (i.knowledge) return `knowledge:${i.knowledge}`;
  if (i.hours) return "hours";
  if (i.delivery) return "delivery";
  if (i.payment) return "payment";
  if (i.address) return "address";
  return undefined;
}
