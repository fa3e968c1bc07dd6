/**
 * The prompt: an English system prompt (rules, shop facts, the customer's context, the catalog
 * filtered to what matters) with the reply language named, then the last 12 messages. The
 * `<agent_state>` block carries the same facts as JSON, for models that read structure better
 * (the offline assistant reads only that).
 */
import type { ModelMessage } from "ai";
import type { CatalogItem } from "../services/catalog/types.js";
import type { Message } from "../services/conversations.js";
import { formatMoney } from "../services/money.js";
import type { Language, ShopSettings } from "../services/settings.js";
import { catalogItemById, searchCatalog } from "./search.js";
import { type AgentState, missingFields } from "./state.js";

export const LANGUAGE_NAMES: Record<Language, string> = {
  en: "English",
  ru: "Russian",
  th: "Thai",
  uk: "Ukrainian",
};

/** What the offline assistant (and any model) gets as structured facts. */
export interface PromptState {
  language: Language;
  phase: AgentState["phase"];
  missing: string[];
  hasDraft: boolean;
  selectedProducts: string[];
  shop: {
    name: string;
    openNow: boolean;
    hours: { open: string; close: string };
    timeZone: string;
    address: string;
    deliveryFee: string;
    currency: string;
    greeting: string;
  };
}

export interface PromptInput {
  settings: ShopSettings;
  state: AgentState;
  language: Language;
  openNow: boolean;
  contextParagraph: string;
  catalog: CatalogItem[];
  useStock: boolean;
  userText: string;
}

function productLine(i: CatalogItem, currency: string): string {
  const bits = [
    i.category,
    i.type,
    i.thc !== null ? `THC ${i.thc}%` : null,
    i.cbg !== null ? `CBG ${i.cbg}%` : null,
  ]
    .filter(Boolean)
    .join(", ");
  const prices = i.prices.map((p) => `${p.label} ${formatMoney(p.price, currency)}`).join(", ");
  const min = Number(i.minQuantity) > 1 ? ` | min ${Number(i.minQuantity)} ${i.unit}` : "";
  return `- ${i.name} [${bits}] ${i.effects.join(", ")} | ${prices}${min}${i.inStock ? "" : " | OUT OF STOCK"}`;
}

/**
 * Lines of cached (deep-frozen, so unchanging) items, per currency: the same few products are
 * in most prompts. Items that are not frozen are formatted every time.
 */
const productLines = new WeakMap<CatalogItem, { currency: string; line: string }>();

function cachedProductLine(i: CatalogItem, currency: string): string {
  const known = productLines.get(i);
  if (known?.currency === currency) return known.line;
  const line = productLine(i, currency);
  // Freezing cannot be undone: an item frozen now keeps this line.
  if (
    Object.isFrozen(i) &&
    Object.isFrozen(i.effects) &&
    Object.isFrozen(i.prices) &&
    i.prices.every(Object.isFrozen)
  ) {
    productLines.set(i, { currency, line });
  }
  return line;
}

const namesByCategory = new WeakMap<CatalogItem[], Map<boolean, string>>();

/** "flower: A, B, C" per category: cheap to send, enough for the model to know what exists. */
function catalogIndex(catalog: CatalogItem[], inStockOnly: boolean): string {
  let memo = namesByCategory.get(catalog);
  if (!memo) {
    memo = new Map();
    namesByCategory.set(catalog, memo);
  }
  let s = memo.get(inStockOnly);
  if (s === undefined) {
    const by = new Map<string, string[]>();
    for (const i of catalog) {
      if (inStockOnly && !i.inStock) continue;
      by.set(i.category, [...(by.get(i.category) ?? []), i.name]);
    }
    s = [...by].map(([c, names]) => `${c}: ${names.join(", ")}`).join("\n");
    memo.set(inStockOnly, s);
  }
  return s;
}

/** The catalog "filtered to what matters": products this message or the dialog is about. */
export function relevantProducts(input: PromptInput): CatalogItem[] {
  const found = searchCatalog(input.catalog, {
    query: input.userText,
    inStockOnly: input.useStock,
    limit: 6,
  }).items;
  const selected = input.state.selectedProducts
    .map((id) => catalogItemById(input.catalog, id))
    .filter((i): i is CatalogItem => !!i);
  const inDraft = input.state.draft.items
    .map((d) => catalogItemById(input.catalog, d.productId))
    .filter((i): i is CatalogItem => !!i);
  return [...new Set([...inDraft, ...selected, ...found])].slice(0, 8);
}

export function buildPromptState(input: PromptInput): PromptState {
  const s = input.settings;
  return {
    language: input.language,
    phase: input.state.phase,
    missing:
      input.state.draft.items.length || input.state.phase !== "browsing"
        ? missingFields(input.state.draft)
        : [],
    hasDraft: input.state.draft.items.length > 0,
    selectedProducts: input.state.selectedProducts.slice(0, 3),
    shop: {
      name: s.shopName,
      openNow: input.openNow,
      hours: s.hours,
      timeZone: s.timeZone,
      address: s.address,
      deliveryFee: s.deliveryFee,
      currency: s.currency,
      greeting: s.greetings[input.language] ?? s.greetings.en ?? "",
    },
  };
}

export function buildSystemPrompt(input: PromptInput): string {
  const s = input.settings;
  const lang = LANGUAGE_NAMES[input.language];
  const relevant = relevantProducts(input);
  const draft = input.state.draft;
  const lines = [
    `You are the friendly sales assistant of ${s.shopName}, a shop. Help customers choose products and place orders.`,
    `Always reply in ${lang} (the customer's language), briefly and warmly.`,
    "",
    "Rules:",
    "- Use search_catalog before recommending and product_details before quoting a price; name only products the tools returned.",
    "- Never invent or change a price, total, discount, order status or customer identity: the server computes every figure.",
    "- To take an order use update_draft_order; ask only for what it reports missing: product, quantity, phone, delivery address, payment method (cash, transfer or crypto).",
    "- Minimum order: the catalog's minimum per product (20 g flower, 10 g hash). Politely refuse less.",
    "- When update_draft_order is readyToConfirm, show the summary with the server's total and ask for a yes. Call submit_order only after the customer confirms in a later message.",
    "- If the customer asks for a human, use notify_staff (staff_question) and say honestly when staff can answer (opening hours).",
    "- Use remember_fact for lasting preferences (effects, strains, delivery habits).",
    "- When the customer asks about an order they already placed (status, where it is, when it arrives), use my_orders and tell them the status it returns; it only ever shows this customer's own orders.",
    "",
    `Shop: ${s.shopName}. Hours ${s.hours.open}–${s.hours.close} (${s.timeZone}); ${input.openNow ? "open now" : "closed now"}. Address: ${s.address}. Delivery fee: ${formatMoney(s.deliveryFee, s.currency)}. Payment: cash, transfer, crypto.`,
    `Customer: ${input.contextParagraph || "New client."}`,
    `Dialog phase: ${input.state.phase}.`,
    draft.items.length
      ? `Order draft: ${draft.items.map((i) => `${i.name}${i.quantity ? ` × ${i.quantity}` : ""}${i.variantLabel ? ` (${i.variantLabel})` : ""}`).join("; ")}; phone ${draft.phone ? "given" : "missing"}; address ${draft.address ?? "missing"}; payment ${draft.paymentMethod ?? "missing"}.`
      : "Order draft: none.",
    "",
    "Products relevant now:",
    ...(relevant.length
      ? relevant.map((i) => cachedProductLine(i, s.currency))
      : ["(none yet — search the catalog)"]),
    "",
    `Catalog${input.useStock ? " (in stock)" : ""}:`,
    catalogIndex(input.catalog, input.useStock),
  ];
  if (s.promptAdditions.trim()) lines.push("", "Shop instructions:", s.promptAdditions.trim());
  lines.push("", `<agent_state>${JSON.stringify(buildPromptState(input))}</agent_state>`);
  return lines.join("\n");
}

/** The last 12 stored messages as model messages (staff replies shown as the assistant's). */
export function historyMessages(history: Message[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const m of history) {
    if (m.role === "user") out.push({ role: "user", content: m.content });
    else if (m.role === "assistant" || m.role === "staff")
      out.push({ role: "assistant", content: m.content });
  }
  return out;
}

const STATE_OPEN = "<agent_state>";
const STATE_CLOSE = "</agent_state>";

/** The text of the prompt's first closed `<agent_state>` block, if any. */
export function promptStateJson(system: string): string | undefined {
  const open = system.indexOf(STATE_OPEN);
  if (open < 0) return undefined;
  const from = open + STATE_OPEN.length;
  const close = system.indexOf(STATE_CLOSE, from);
  return close < 0 ? undefined : system.slice(from, close);
}

/** The facts of a `<agent_state>` block's text (undefined if it is not JSON). */
export function parsePromptState(json: string): PromptState | undefined {
  try {
    return JSON.parse(json) as PromptState;
  } catch {
    return undefined;
  }
}

export function readPromptState(system: string): PromptState | undefined {
  const json = promptStateJson(system);
  return json === undefined ? undefined : parsePromptState(json);
}
