/**
 * update_draft_order: collect the five order fields into the agent state. Returns what is still
 * missing and the server's quote (tier price × quantity, delivery fee, discount) — the model
 * repeats these figures, it never computes them. A price in the arguments has nowhere to go.
 */
import { tool, zodSchema } from "ai";
import { z } from "zod";
import type { CatalogItem } from "../../services/catalog/types.js";
import { describeProblem, priceOrder } from "../../services/orders/create.js";
import { cleanAddress, parsePayment, parsePhone, parseQuantity } from "../fields.js";
import { normalizeText } from "../lexicon.js";
import { resolveProduct } from "../search.js";
import { type AgentState, type DraftItem, missingFields, selectProducts } from "../state.js";
import { recordOrderAttempt, type ToolContext } from "./context.js";

export const updateDraftOrderInput = z.object({
  product: z.string().max(500).optional().describe("Product name (typos fine) or id to add or change"),
  quantity: z
    .union([z.string().max(20), z.number()])
    .optional()
    .describe("Grams for flower/hash (e.g. 20), pieces for other goods"),
  variant: z.string().max(100).optional().describe("Size/colour for goods with variants, e.g. 'M / black'"),
  phone: z.string().max(40).optional(),
  address: z.string().max(300).optional().describe("Delivery address: hotel, room, street"),
  paymentMethod: z.string().max(30).optional().describe("cash | transfer | crypto"),
  name: z.string().max(100).optional().describe("Customer's name, if given"),
  removeProduct: z.string().max(200).optional().describe("Product to remove from the order"),
});

export type UpdateDraftInput = z.infer<typeof updateDraftOrderInput>;

function matchVariant(item: CatalogItem, text: string | undefined) {
  const variants = item.prices.filter((p) => p.kind === "variant");
  if (variants.length === 0) return undefined;
  if (variants.length === 1) return variants[0];
  if (!text) return undefined;
  const t = normalizeText(text);
  const parts = t.split(/[\s/,-]+/).filter(Boolean);
  return (
    variants.find((v) => v.id === text || normalizeText(v.label) === t) ??
    variants.find((v) =>
      [v.size, v.color].filter(Boolean).every((x) => parts.includes(String(x).toLowerCase())),
    )
  );
}

interface Change {
  changed: boolean;
  notes: string[];
}

function applyProduct(ctx: ToolContext, input: UpdateDraftInput, ch: Change): DraftItem | undefined {
  const draft = ctx.state.draft;
  const named = input.product ? resolveProduct(input.product, ctx.catalog) : undefined;
  if (input.product && !named && draft.items.length === 0)
    ch.notes.push(`product not found: ${input.product}`);
  let line: DraftItem | undefined;
  if (named) {
    line = draft.items.find((i) => i.productId === named.id);
    if (!line) {
      line = { productId: named.id, name: named.name };
      draft.items.push(line);
      ch.changed = true;
    }
    selectProducts(ctx.state, [named.id]);
    ctx.effects.productIds.push(named.id);
  }
  return line ?? draft.items[draft.items.length - 1];
}

function applyFields(ctx: ToolContext, input: UpdateDraftInput, line: DraftItem | undefined, ch: Change) {
  const draft = ctx.state.draft;
  const set = <K extends "phone" | "address" | "paymentMethod" | "name">(k: K, v: (typeof draft)[K]) => {
    if (v !== undefined && draft[k] !== v) {
      draft[k] = v;
      ch.changed = true;
    }
  };
  if (input.removeProduct) {
    const gone = resolveProduct(input.removeProduct, ctx.catalog);
    const before = draft.items.length;
    draft.items = draft.items.filter((i) => i.productId !== gone?.id);
    if (draft.items.length !== before) ch.changed = true;
  }
  if (input.quantity !== undefined) {
    const q = parseQuantity(input.quantity);
    if (!q) ch.notes.push(`quantity is not valid: ${input.quantity}`);
    else if (line && line.quantity !== q) {
      line.quantity = q;
      ch.changed = true;
    }
  }
  if (line) {
    const item = ctx.catalog.find((i) => i.id === line.productId);
    const v = item ? matchVariant(item, input.variant) : undefined;
    if (v && line.variantId !== v.id) {
      line.variantId = v.id;
      line.variantLabel = v.label;
      ch.changed = true;
    } else if (input.variant && !v) ch.notes.push(`variant not found: ${input.variant}`);
  }
  if (input.phone !== undefined) {
    const p = parsePhone(input.phone);
    if (p) set("phone", p);
    else ch.notes.push("phone is not valid: 8 to 15 digits expected");
  }
  if (input.address !== undefined) {
    const a = cleanAddress(input.address);
    if (a) set("address", a);
    else ch.notes.push("address is too short");
  }
  if (input.paymentMethod !== undefined) {
    const pm = parsePayment(input.paymentMethod);
    if (pm) set("paymentMethod", pm);
    else ch.notes.push("payment method must be cash, transfer or crypto");
  }
  if (input.name?.trim()) set("name", input.name.trim().slice(0, 100));
}

/** Applies the input to the draft, re-quotes it and moves the dialog phase. */
export async function updateDraft(ctx: ToolContext, input: UpdateDraftInput) {
  const state: AgentState = ctx.state;
  ctx.effects.personal = true;
  const ch: Change = { changed: false, notes: [] };
  if (state.phase === "ordered" && (input.product || input.quantity)) {
    // A new order after a finished one starts from a fresh draft but keeps the contact details.
    const { phone, address, paymentMethod, name } = state.draft;
    state.draft = { items: [], phone, address, paymentMethod, name, version: state.draft.version + 1 };
  }
  const line = applyProduct(ctx, input, ch);
  applyFields(ctx, input, line, ch);
  if (ch.changed) {
    state.draft.version += 1;
    state.confirmation = undefined;
  }
  // The customer started an order: one `order_attempt` per draft (the funnel's order-attempt step).
  if (state.draft.items.length > 0 && !state.draft.attemptRecorded) {
    state.draft.attemptRecorded = true;
    recordOrderAttempt(ctx, { stage: "start", products: state.draft.items.map((i) => i.name) });
  }
  const priced = state.draft.items.filter((i) => i.quantity);
  const q = priced.length
    ? await priceOrder(
        ctx.deps,
        priced.map((i) => ({
          productId: i.productId,
          quantity: i.quantity!,
          variantId: i.variantId ?? undefined,
        })),
      )
    : undefined;
  const missing = missingFields(state.draft);
  const problems = q?.problems ?? [];
  const ready = missing.length === 0 && problems.length === 0;
  if (ready) {
    state.phase = "awaiting_confirmation";
    // The summary is "shown" in this turn; a confirmation counts only in a later one.
    if (!state.confirmation || state.confirmation.draftVersion !== state.draft.version) {
      state.confirmation = { draftVersion: state.draft.version, shownAtTurn: state.turn };
    }
  } else if (state.draft.items.length > 0 || ch.changed) {
    state.phase = "ordering";
  }
  return {
    draft: {
      items: state.draft.items.map((i) => ({
        name: i.name,
        quantity: i.quantity ?? null,
        variant: i.variantLabel ?? null,
        unit: ctx.catalog.find((c) => c.id === i.productId)?.unit ?? "g",
      })),
      phone: state.draft.phone ?? null,
      address: state.draft.address ?? null,
      paymentMethod: state.draft.paymentMethod ?? null,
    },
    missing,
    problems: problems.map((p) => ({ ...p, message: describeProblem(p) })),
    quote: q
      ? {
          lines: q.lines.map((l) => ({
            name: l.product_name,
            variant: l.variant_label,
            quantity: l.quantity,
            unit: l.unit,
            pricePerUnit: l.price_per_unit,
            total: l.total_price,
          })),
          subtotal: q.subtotal,
          deliveryFee: q.deliveryFee,
          discount: q.discount,
          total: q.total,
          currency: q.currency,
        }
      : null,
    notes: ch.notes,
    readyToConfirm: ready,
    instructions: ready
      ? "Show this summary with the total and ask the customer to confirm. Call submit_order only after the customer says yes in their next message."
      : "Ask the customer only for what is missing or wrong.",
  };
}

/** Built once: the JSON schema sent to models is computed on first use and kept. */
const inputSchema = zodSchema(updateDraftOrderInput);
export function updateDraftOrderTool(ctx: ToolContext) {
  return tool({
    description:
      "Add or change the customer's draft order: product, quantity, variant, phone, delivery address, payment method (cash, transfer or crypto). Returns what is missing and the server-computed total.",
    inputSchema,
    execute: (input) => updateDraft(ctx, input),
  });
}
