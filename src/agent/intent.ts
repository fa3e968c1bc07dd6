/**
 * What a customer's message is about, by keyword rules in four languages. Used by the server's
 * staff-notification matrix and the semantic cache (for every model) and by the offline assistant.
 */
import { findQuantity } from "./fields.js";
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
  ORDER_STATUS_WORDS,
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
  /**
   * A question about orders already placed ("where is my order?", "статус заказа OG…"), and how
   * it asks (orderStatusKind): not buying intent, not a general question. When set, `order`,
   * `recommend`, `price`, `stock`, `hours`, `address`, `delivery`, `payment` and `knowledge` are
   * off (the words they share with it belong to the order question), so the decision matrix
   * raises neither a wish nor a staff question for it and the semantic cache never answers it.
   */
  orderStatus?: OrderStatusKind;
  /** "what is indica" and friends: the key of KNOWLEDGE_WORDS. */
  knowledge?: string;
}

/** How a message asks about its orders, strongest first (see orderStatusKind). */
export type OrderStatusKind = "number" | "explicit" | "where" | "own";

const ORDER_NUMBER = /\bog\d{6}-\d{3,}\b/i;

/** The first order number (OGYYMMDD-NNN) in the text, upper-cased. */
export function findOrderNumber(raw: string): string | undefined {
  return ORDER_NUMBER.exec(raw)?.[0].toUpperCase();
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
  const i = baseIntents(raw);
  const kind = orderStatusKind(raw);
  if (kind === undefined) return i;
  // The words an order question shares with buying, prices, stock, hours or delivery are its own.
  i.orderStatus = kind;
  i.order = i.recommend = i.price = i.stock = false;
  i.hours = i.address = i.delivery = i.payment = false;
  i.knowledge = undefined;
  return i;
}

/**
 * The intents as if the message were not an order question (what the offline assistant reads
 * when it does not take a weak one — "my order" while an order is being put together — as such).
 */
export function baseIntents(raw: string): Intents {
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

/** Thai "คำสั่งซื้อ" (an order, the noun) holds "ซื้อ" (to buy): taken out before the verbs are read. */
const THAI_ORDER_NOUN = /คำสั่งซื้อ/g;

/**
 * Whether (and how) the message asks about orders the customer already placed, never for one
 * being placed ("I want to order 20g of Gelato", "хочу заказать", "замовити", "อยากสั่ง…"):
 * - `number`: it names an order number;
 * - `explicit`: "my orders", "order history", or an order and "status" / "track";
 * - `where`: a placed order and where / when / on the way ("где мой заказ", "замовлення де?");
 * - `own`: "my order" alone ("what's in my order?"), weak while an order is being put together.
 * Ordering, changing or cancelling words, or a quantity, rule out the last two.
 */
export function orderStatusKind(raw: string): OrderStatusKind | undefined {
  if (ORDER_NUMBER.test(raw)) return "number";
  const t = normalizeText(raw);
  if (hasAny(t, ORDER_STATUS_WORDS.list)) return "explicit";
  const own = hasAny(t, ORDER_STATUS_WORDS.own);
  const placed = own || hasAny(t, ORDER_STATUS_WORDS.placed);
  if (!placed && !hasAny(t, ORDER_STATUS_WORDS.noun)) return undefined;
  if (hasAny(t, ORDER_STATUS_WORDS.explicit)) return "explicit";
  if (!placed) return undefined;
  const verbs = t.includes("คำสั่งซื้อ") ? t.replace(THAI_ORDER_NOUN, " ") : t;
  if (hasAny(verbs, ORDER_STATUS_WORDS.ordering) || findQuantity(raw) !== undefined) return undefined;
  if (hasAny(t, ORDER_STATUS_WORDS.whereWhen)) return "where";
  return own ? "own" : undefined;
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
  if (i.human || i.order || i.orderStatus || i.confirm || i.price || i.recommend) return undefined;
  if (i.knowledge) return `knowledge:${i.knowledge}`;
  if (i.hours) return "hours";
  if (i.delivery) return "delivery";
  if (i.payment) return "payment";
  if (i.address) return "address";
  return undefined;
}
