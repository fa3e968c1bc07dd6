/**
 * The offline assistant's decisions: from the prompt (the `<agent_state>` facts, the customer's
 * latest message, tool results of this turn) to either tool calls or a reply. Deterministic and
 * rule-based; it has no catalog of its own — it learns products only from tool results, exactly
 * like an LLM would.
 */

import { formatMoney } from "../../services/money.js";
import type { MyOrdersResult } from "../../services/orders/customer-orders.js";
import type { Language } from "../../services/settings.js";
import { findAddress, findQuantity, parsePayment, parsePhone, parseQuantity } from "../fields.js";
import { baseIntents, detectIntents, findOrderNumber } from "../intent.js";
import {
  CATEGORY_WORDS,
  EFFECT_WORDS,
  hasAny,
  matchKeys,
  normalizeText,
  PAYMENT_WORDS,
  TYPE_WORDS,
} from "../lexicon.js";
import type { ProductSummary } from "../products.js";
import { type PromptState, parsePromptState, promptStateJson } from "../prompt.js";
import { ordersReply } from "./orders.js";
import { effectLabel, fill, KNOWLEDGE, PAYMENT_LABEL, T, UNIT_LABEL } from "./templates.js";

export interface BrainToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface BrainMessage {
  role: "user" | "assistant" | "tool";
  text?: string;
  toolCalls?: BrainToolCall[];
  toolResults?: Array<{ name: string; output: unknown }>;
}

export interface BrainInput {
  system: string;
  messages: BrainMessage[];
}

export type BrainOutput = { kind: "tools"; calls: BrainToolCall[] } | { kind: "text"; text: string };

const DEFAULT_STATE: PromptState = {
  language: "en",
  phase: "browsing",
  missing: [],
  hasDraft: false,
  selectedProducts: [],
  shop: {
    name: "the shop",
    openNow: true,
    hours: { open: "10:00", close: "22:00" },
    timeZone: "UTC",
    address: "",
    deliveryFee: "0",
    currency: "",
    greeting: "Hi! How can I help?",
  },
};

const STATES_MAX = 64;
/**
 * Recently read `<agent_state>` blocks (the prompt's facts): every model call of a turn sends the
 * same prompt, and conversations in the same phase often have the same facts. Only read here,
 * never changed.
 */
const recentStates = new Map<string, PromptState>();

function promptState(system: string): PromptState | undefined {
  const json = promptStateJson(system);
  if (json === undefined) return undefined;
  const known = recentStates.get(json);
  if (known) return known;
  const st = parsePromptState(json);
  if (st !== null && typeof st === "object") {
    if (recentStates.size >= STATES_MAX) recentStates.clear();
    recentStates.set(json, st);
  }
  return st;
}

export function decide(input: BrainInput): BrainOutput {
  const st = promptState(input.system) ?? DEFAULT_STATE;
  let lastUser = -1;
  for (let i = input.messages.length - 1; i >= 0; i--) {
    if (input.messages[i]!.role === "user") {
      lastUser = i;
      break;
    }
  }
  const text = lastUser >= 0 ? (input.messages[lastUser]!.text ?? "") : "";
  const results = input.messages.slice(lastUser + 1).flatMap((m) => m.toolResults ?? []);
  if (results.length === 0) return plan(text, st);
  return compose(results, st);
}

// ------------------------------------------------------------------ step 1: what to do

const ANY_PAYMENT_WORD = Object.values(PAYMENT_WORDS).flat();

/** Whether the text names an effect, a category or a type. */
function hasCatalogWords(t: string): boolean {
  return (
    matchKeys(t, EFFECT_WORDS).length +
      matchKeys(t, CATEGORY_WORDS).length +
      matchKeys(t, TYPE_WORDS).length >
    0
  );
}

function plan(text: string, st: PromptState): BrainOutput {
  let i = detectIntents(text);
  const drafting = st.phase === "ordering" || st.phase === "awaiting_confirmation";
  // "My order…" while an order is being put together is about that order: read as before.
  if (i.orderStatus === "own" && drafting) i = baseIntents(text);
  const t = normalizeText(text);
  const lang = st.language;
  const qty = findQuantity(text) ?? (st.missing[0] === "quantity" ? parseQuantity(t) : undefined);
  const phone = parsePhone(text);
  const payment = hasAny(t, ANY_PAYMENT_WORD) ? parsePayment(text) : undefined;
  const explicitAddress = findAddress(text);
  // Worked out only when it decides something (an order without a quantity, or a question).
  const catalogWords = i.order && !qty ? hasCatalogWords(t) : undefined;
  const fieldsGiven = Boolean(qty || phone || payment || explicitAddress);
  const tools = (name: string, inp: Record<string, unknown>): BrainOutput => ({
    kind: "tools",
    calls: [{ name, input: inp }],
  });

  if (st.phase === "awaiting_confirmation") {
    if (i.confirm) return tools("submit_order", {});
    if (!fieldsGiven && i.decline) return { kind: "text", text: T.whatToChange[lang] };
  }
  if (i.human) return tools("notify_staff", { type: "staff_question", message: text.slice(0, 500) });
  if (i.orderStatus) {
    // About orders already placed: the server's list, never the draft (an order number would
    // otherwise read as a phone number).
    const orderNumber = findOrderNumber(text);
    return tools("my_orders", orderNumber ? { orderNumber } : {});
  }

  const ordering = drafting;
  if (ordering || (i.order && (qty || !catalogWords)) || (fieldsGiven && st.hasDraft) || (qty && !i.price)) {
    if (ordering && !fieldsGiven && (i.recommend || i.price || i.knowledge || i.hours || i.delivery)) {
      // A side question while ordering: answer it, the draft stays.
      return answerQuestion(text, st, i, catalogWords);
    }
    const input: Record<string, unknown> = {};
    let address = explicitAddress;
    const onlyAddressLeft = st.missing.includes("address") && !qty && !phone && !payment && !i.order;
    if (!address && onlyAddressLeft && ordering && t.length >= 6 && !t.endsWith("?")) address = text.trim();
    if (!address || i.order) input.product = text.slice(0, 500);
    if (qty) input.quantity = qty;
    if (phone) input.phone = phone;
    if (address) input.address = address;
    if (payment) input.paymentMethod = payment;
    return tools("update_draft_order", input);
  }
  return answerQuestion(text, st, i, catalogWords);
}

function answerQuestion(
  text: string,
  st: PromptState,
  i: ReturnType<typeof detectIntents>,
  catalogWords: boolean | undefined,
): BrainOutput {
  const lang = st.language;
  if (i.knowledge && KNOWLEDGE[i.knowledge]) return { kind: "text", text: KNOWLEDGE[i.knowledge]![lang] };
  if (i.price)
    return { kind: "tools", calls: [{ name: "product_details", input: { product: text.slice(0, 500) } }] };
  if (i.recommend || i.stock || (catalogWords ?? hasCatalogWords(normalizeText(text))) || i.order) {
    return { kind: "tools", calls: [{ name: "search_catalog", input: { query: text.slice(0, 500) } }] };
  }
  const s = st.shop;
  const parts: string[] = [];
  if (i.hours)
    parts.push(
      fill(T.hours[lang], {
        open: s.hours.open,
        close: s.hours.close,
        tz: s.timeZone,
        now: s.openNow ? T.openNow[lang] : T.closedNow[lang],
      }),
    );
  if (i.address) parts.push(fill(T.whereWeAre[lang], { address: s.address }));
  if (i.delivery) parts.push(fill(T.deliveryInfo[lang], { fee: formatMoney(s.deliveryFee, s.currency) }));
  if (i.payment) parts.push(T.paymentInfo[lang]);
  if (i.thanks) parts.push(T.thanks[lang]);
  if (parts.length) return { kind: "text", text: parts.join("\n\n") };
  if (i.greeting) return { kind: "text", text: s.greeting };
  // Anything else may be a product name: let the catalog decide.
  return { kind: "tools", calls: [{ name: "search_catalog", input: { query: text.slice(0, 500) } }] };
}

// ------------------------------------------------------------------ step 2: what to say

type Obj = Record<string, unknown>;

function compose(results: Array<{ name: string; output: unknown }>, st: PromptState): BrainOutput {
  const lang = st.language;
  const parts: string[] = [];
  // A second lookup that found the product replaces the first one that did not.
  if (results.some((r) => r.name === "product_details" && (r.output as Obj)?.found)) {
    results = results.filter((r) => r.name !== "product_details" || (r.output as Obj)?.found);
  }
  for (const r of results) {
    const out = (r.output ?? {}) as Obj;
    switch (r.name) {
      case "search_catalog":
        parts.push(searchReply(out, lang));
        break;
      case "product_details": {
        if (out.found) parts.push(details(out.product as ProductSummary, String(out.currency ?? ""), lang));
        else {
          const alts = (out.alternatives as ProductSummary[] | undefined) ?? [];
          // "How much is it?" about the product just discussed: look that one up.
          if (st.selectedProducts[0] && results.length === 1) {
            return {
              kind: "tools",
              calls: [{ name: "product_details", input: { product: st.selectedProducts[0] } }],
            };
          }
          parts.push(
            alts.length
              ? `${fill(T.notFoundNamed[lang], { q: String(out.query ?? "").slice(0, 60) })}\n${alts.map((p) => productLine(p, String(out.currency ?? ""), lang)).join("\n")}`
              : T.nothingFound[lang],
          );
        }
        break;
      }
      case "update_draft_order":
        parts.push(draftReply(out, lang));
        break;
      case "submit_order":
        parts.push(submitReply(out, lang));
        break;
      case "my_orders":
        parts.push(ordersReply(out as Partial<MyOrdersResult>, lang));
        break;
      case "notify_staff": {
        const h = (out.hours as { open: string; close: string }) ?? st.shop.hours;
        parts.push(fill(out.shopOpenNow ? T.humanOpen[lang] : T.humanClosed[lang], h));
        break;
      }
      default:
        break;
    }
  }
  const text = parts.filter(Boolean).join("\n\n");
  return { kind: "text", text: text || T.help[lang] };
}

function priceFrom(p: ProductSummary, currency: string, lang: Language): string {
  const first = p.prices[0];
  if (!first) return "";
  return `${T.from[lang]} ${formatMoney(first.price, currency)} (${first.label})`;
}

function productLine(p: ProductSummary, currency: string, lang: Language): string {
  const bits = [p.type, p.thc !== null ? `THC ${p.thc}%` : null].filter(Boolean).join(", ");
  const eff = p.effects
    .slice(0, 3)
    .map((e) => effectLabel(e, lang))
    .join(", ");
  return `• ${p.name}${bits ? ` (${bits})` : ""}${eff ? ` — ${eff}` : ""} — ${priceFrom(p, currency, lang)}`;
}

function searchReply(out: Obj, lang: Language): string {
  const products = (out.products as ProductSummary[]) ?? [];
  const currency = String(out.currency ?? "");
  const matched = (out.matched as {
    names: string[];
    effects: string[];
    types: string[];
    categories: string[];
  }) ?? {
    names: [],
    effects: [],
    types: [],
    categories: [],
  };
  if (products.length === 0) return T.nothingFound[lang];
  if (matched.names.length > 0 && products.length === 1) return details(products[0]!, currency, lang);
  const filtered =
    matched.names.length + matched.effects.length + matched.types.length + matched.categories.length > 0;
  const top = products.slice(0, 3).map((p) => productLine(p, currency, lang));
  if (!filtered) return `${T.help[lang]}\n${top.join("\n")}`;
  return `${T.recommendIntro[lang]}\n${top.join("\n")}\n\n${T.recommendOutro[lang]}`;
}

function details(p: ProductSummary, currency: string, lang: Language): string {
  const head = [p.type, p.thc !== null ? `THC ${p.thc}%` : null, p.cbg !== null ? `CBG ${p.cbg}%` : null]
    .filter(Boolean)
    .join(", ");
  const lines = [`${p.name}${head ? ` (${head})` : ""}`];
  if (p.description) lines.push(p.description);
  if (p.effects.length)
    lines.push(`${T.effects[lang]}: ${p.effects.map((e) => effectLabel(e, lang)).join(", ")}`);
  lines.push(
    `${T.prices[lang]}: ${p.prices.map((x) => `${x.label} — ${formatMoney(x.price, currency)}`).join(" · ")}`,
  );
  if (Number(p.minQuantity) > 1)
    lines.push(fill(T.minOrder[lang], { n: Number(p.minQuantity), u: UNIT_LABEL[lang][p.unit] }));
  lines.push(p.inStock ? T.inStock[lang] : T.outOfStock[lang]);
  lines.push(T.orderIt[lang]);
  return lines.join("\n");
}

const ASK: Record<string, keyof typeof T> = {
  product: "askProduct",
  quantity: "askQuantity",
  phone: "askPhone",
  address: "askAddress",
  paymentMethod: "askPayment",
};

interface DraftOut {
  draft: {
    items: Array<{ name: string; quantity: string | null; unit: "g" | "pcs"; variant: string | null }>;
    phone: string | null;
    address: string | null;
    paymentMethod: string | null;
  };
  missing: string[];
  problems: Array<{ code: string; name?: string; minimum?: number; unit?: "g" | "pcs"; message: string }>;
  quote: null | {
    lines: Array<{
      name: string;
      variant: string | null;
      quantity: number;
      unit: "g" | "pcs";
      total: string;
    }>;
    deliveryFee: string;
    discount: string;
    total: string;
    currency: string;
  };
  readyToConfirm: boolean;
}

function draftReply(raw: Obj, lang: Language): string {
  const out = raw as unknown as DraftOut;
  const u = UNIT_LABEL[lang];
  const min = out.problems?.find((p) => p.code === "BELOW_MINIMUM");
  if (min) {
    return fill(T.belowMinimum[lang], { name: min.name ?? "", n: min.minimum ?? 0, u: u[min.unit ?? "g"] });
  }
  if (out.problems?.length) return fill(T.problem[lang], { msg: out.problems[0]!.message });
  if (out.readyToConfirm && out.quote) {
    const q = out.quote;
    const cur = q.currency;
    const lines = [T.summaryTitle[lang]];
    for (const l of q.lines) {
      lines.push(
        `• ${l.name}${l.variant ? ` (${l.variant})` : ""} — ${l.quantity} ${u[l.unit]} — ${formatMoney(l.total, cur)}`,
      );
    }
    lines.push(`${T.delivery[lang]}: ${formatMoney(q.deliveryFee, cur)}`);
    if (q.discount !== "0.00") lines.push(`${T.discount[lang]}: −${formatMoney(q.discount, cur)}`);
    lines.push(`${T.total[lang]}: ${formatMoney(q.total, cur)}`);
    lines.push(`${T.phone[lang]}: ${out.draft.phone}`);
    lines.push(`${T.address[lang]}: ${out.draft.address}`);
    lines.push(
      `${T.payment[lang]}: ${PAYMENT_LABEL[lang][out.draft.paymentMethod ?? ""] ?? out.draft.paymentMethod}`,
    );
    lines.push("", T.confirm[lang]);
    return lines.join("\n");
  }
  const next = out.missing?.[0];
  const ask = next ? (T[ASK[next] ?? "askProduct"] as Record<Language, string>)[lang] : T.help[lang];
  const items = (out.draft?.items ?? [])
    .map(
      (i) =>
        `${i.name}${i.quantity ? ` ${i.quantity} ${u[i.unit]}` : ""}${i.variant ? ` (${i.variant})` : ""}`,
    )
    .join(", ");
  return items ? `${fill(T.gotIt[lang], { items })} ${ask}` : ask;
}

function submitReply(out: Obj, lang: Language): string {
  if (out.ok) {
    const total = out.total ? formatMoney(String(out.total), String(out.currency ?? "")) : "";
    return fill(T.created[lang], { num: String(out.orderNumber), total });
  }
  return T.notConfirmed[lang];
}
