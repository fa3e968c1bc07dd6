/**
 * The agent's checkpoint per conversation (seed 003), stored in agent_sessions and cached, so a
 * conversation resumes on any instance: dialog phase, selected products and the draft order.
 * Only tools (server code) change it; the model never writes it directly.
 */
import type { PaymentMethod } from "../services/orders/create.js";

export type DialogPhase = "browsing" | "ordering" | "awaiting_confirmation" | "ordered";

export interface DraftItem {
  productId: string;
  name: string;
  /** grams or pieces, as a decimal string */
  quantity?: string;
  variantId?: string | null;
  variantLabel?: string | null;
}

export interface DraftOrder {
  items: DraftItem[];
  phone?: string;
  address?: string;
  paymentMethod?: PaymentMethod;
  name?: string;
  /** Bumped on every change: a confirmation is for one exact version of the draft. */
  version: number;
  /** Whether the `order_attempt` event for starting this draft was recorded (once per draft). */
  attemptRecorded?: boolean;
}

export interface AgentState {
  phase: DialogPhase;
  /** Ids of the products discussed last (newest first). */
  selectedProducts: string[];
  draft: DraftOrder;
  /** Set when the complete summary was shown: the customer must confirm it in a later turn. */
  confirmation?: { draftVersion: number; shownAtTurn: number };
  /** Turns taken in this conversation (the current one included). */
  turn: number;
  lastOrder?: { id: string; orderNumber: string; draftVersion: number };
  /** Shop-local day of the last `wish` notification: one a day per conversation, no query to find out. */
  wishDay?: string;
}

export function emptyState(): AgentState {
  return { phase: "browsing", selectedProducts: [], draft: { items: [], version: 0 }, turn: 0 };
}

/** Reads a stored state defensively: anything malformed starts afresh rather than failing a turn. */
export function parseState(raw: unknown): AgentState {
  const base = emptyState();
  if (!raw || typeof raw !== "object") return base;
  const r = raw as Partial<AgentState>;
  return {
    phase: r.phase ?? base.phase,
    selectedProducts: Array.isArray(r.selectedProducts) ? r.selectedProducts.slice(0, 10) : [],
    draft:
      r.draft && Array.isArray(r.draft.items)
        ? { ...r.draft, version: Number(r.draft.version) || 0 }
        : base.draft,
    confirmation: r.confirmation,
    turn: Number(r.turn) || 0,
    lastOrder: r.lastOrder,
    wishDay: typeof r.wishDay === "string" ? r.wishDay : undefined,
  };
}

export const ORDER_FIELDS = ["product", "quantity", "phone", "address", "paymentMethod"] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

/** The five fields SPEC §4 needs before an order can be confirmed, in the order we ask for them. */
export function missingFields(d: DraftOrder): OrderField[] {
  const out: OrderField[] = [];
  if (d.items.length === 0) out.push("product");
  else if (d.items.some((i) => !i.quantity)) out.push("quantity");
  if (!d.phone) out.push("phone");
  if (!d.address) out.push("address");
  if (!d.paymentMethod) out.push("paymentMethod");
  return out;
}

export function selectProducts(state: AgentState, ids: string[]): void {
  state.selectedProducts = [...new Set([...ids, ...state.selectedProducts])].slice(0, 10);
}
