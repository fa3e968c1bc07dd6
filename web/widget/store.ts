/**
 * The widget's state, persisted to localStorage (per shop origin) so a reload keeps the
 * conversation, the cart and the customer's order numbers. The chat turn itself lives here
 * too, so the host page's `window.Shopkeeper.ask()` and the UI share one path.
 */
import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";
import { type CustomerApi, errorMessage, type Language, type PaymentMethod } from "../shared/api.js";
import type { Order, PriceTier, Product } from "../shared/schemas.js";

export interface ChatMessage {
  id: string;
  /** "staff": a person from the shop wrote during a takeover (fetched by polling). */
  role: "user" | "assistant" | "staff";
  content: string;
  cards?: Product[];
  /**
   * The cards are not counted as viewed yet (product_view): set when they arrive, cleared when
   * the chat shows them. Persisted, so a reload does not count the same cards again.
   */
  cardsUnseen?: boolean;
  /** The assistant is still streaming this message. */
  pending?: boolean;
  error?: boolean;
}

export interface CartLine {
  key: string;
  productId: string;
  name: string;
  variantId?: string;
  /** Tier label shown to the customer (20g, M / black…). */
  label: string;
  /** In the product's unit: grams for weighed goods, pieces for variants. */
  quantity: number;
  /** Quantity of one tier pack, the step of the +/- buttons. */
  step: number;
  unit: string;
  /** Display estimate only: the server prices the order. */
  tierPrice: string;
  minQuantity: number | null;
}

export type View = "chat" | "cart" | "checkout" | "orders";

export interface ContactDraft {
  name: string;
  phone: string;
  address: string;
  notes: string;
  payment: PaymentMethod;
}

interface WidgetState {
  open: boolean;
  view: View;
  language: Language;
  conversationId: string | null;
  messages: ChatMessage[];
  /** createdAt of the newest server message seen by the staff-reply poll. */
  syncedAt: string | null;
  cart: CartLine[];
  contact: ContactDraft;
  orderIds: string[];
  lastOrder: Order | null;
  busy: boolean;
  setOpen(open: boolean): void;
  setView(view: View): void;
  setLanguage(language: Language): void;
  setContact(patch: Partial<ContactDraft>): void;
  addToCart(product: Product, tier: PriceTier): void;
  changeQuantity(key: string, direction: 1 | -1): void;
  removeLine(key: string): void;
  orderPlaced(order: Order): void;
  newConversation(): void;
  /** Clears a reply's `cardsUnseen`; true only for the call that cleared it (count views once). */
  markCardsSeen(id: string): boolean;
  send(api: CustomerApi, text: string): Promise<void>;
  /** Fetches what staff wrote since the last poll and appends it to the chat. */
  pollStaff(api: CustomerApi): Promise<void>;
}

const MAX_MESSAGES = 60;
const newId = () => Math.random().toString(36).slice(2, 10);

export function createWidgetStore(storageKey: string, initialLanguage: Language) {
  return create<WidgetState>()(
    persist(
      (set, get) => ({
        open: false,
        view: "chat",
        language: initialLanguage,
        conversationId: null,
        messages: [],
        syncedAt: null,
        cart: [],
        contact: { name: "", phone: "", address: "", notes: "", payment: "cash" },
        orderIds: [],
        lastOrder: null,
        busy: false,
        setOpen: (open) => set({ open }),
        setView: (view) => set({ view }),
        setLanguage: (language) => set({ language }),
        setContact: (patch) => set((s) => ({ contact: { ...s.contact, ...patch } })),
        addToCart(product, tier) {
          const key = `${product.id}:${tier.variantId ?? tier.label}`;
          const isWeight = tier.grams !== null && tier.grams !== undefined;
          const step = isWeight ? (tier.grams as number) : 1;
          set((s) => {
            const existing = s.cart.find((l) => l.key === key);
            if (existing) {
              return {
                cart: s.cart.map((l) => (l.key === key ? { ...l, quantity: l.quantity + l.step } : l)),
              };
            }
            const line: CartLine = {
              key,
              productId: product.id,
              name: product.name,
              variantId: tier.variantId ?? undefined,
              label: tier.label,
              quantity: step,
              step,
              unit: isWeight ? "g" : (product.unit ?? "pcs"),
              tierPrice: tier.price,
              minQuantity: product.minQuantity ?? null,
            };
            return { cart: [...s.cart, line] };
          });
        },
        changeQuantity(key, direction) {
          set((s) => ({
            cart: s.cart.map((l) =>
              l.key === key ? { ...l, quantity: Math.max(l.step, l.quantity + direction * l.step) } : l,
            ),
          }));
        },
        removeLine: (key) => set((s) => ({ cart: s.cart.filter((l) => l.key !== key) })),
        orderPlaced(order) {
          set((s) => ({
            cart: [],
            lastOrder: order,
            orderIds: [order.id, ...s.orderIds.filter((id) => id !== order.id)],
          }));
        },
        newConversation: () => set({ messages: [], conversationId: null, syncedAt: null, view: "chat" }),
        markCardsSeen(id) {
          if (!get().messages.some((m) => m.id === id && m.cardsUnseen)) return false;
          set((s) => ({
            messages: s.messages.map((m) => (m.id === id ? { ...m, cardsUnseen: undefined } : m)),
          }));
          return true;
        },
        async send(api, raw) {
          const text = raw.trim();
          if (!text || get().busy) return;
          const reply: ChatMessage = { id: newId(), role: "assistant", content: "", pending: true };
          set((s) => ({
            busy: true,
            view: "chat",
            messages: [...s.messages, { id: newId(), role: "user" as const, content: text }, reply].slice(
              -MAX_MESSAGES,
            ),
          }));
          const patchReply = (patch: Partial<ChatMessage> | ((m: ChatMessage) => Partial<ChatMessage>)) =>
            set((s) => ({
              messages: s.messages.map((m) =>
                m.id === reply.id ? { ...m, ...(typeof patch === "function" ? patch(m) : patch) } : m,
              ),
            }));
          try {
            const { language, conversationId } = get();
            const final = await api.chat({ message: text, language, conversationId }, (delta) =>
              patchReply((m) => ({ content: m.content + delta })),
            );
            if (final.silent && !get().messages.find((m) => m.id === reply.id)?.content && !final.content) {
              // Staff hold the conversation: no assistant bubble; their reply arrives by polling.
              set((s) => ({ messages: s.messages.filter((m) => m.id !== reply.id) }));
            } else {
              patchReply((m) => ({
                content: m.content || final.content || "",
                cards: final.productCards.length > 0 ? final.productCards : undefined,
                cardsUnseen: final.productCards.length > 0 || undefined,
                pending: false,
              }));
            }
            if (final.conversationId && final.conversationId !== conversationId)
              set({ conversationId: final.conversationId, syncedAt: null });
          } catch (err) {
            patchReply({ content: errorMessage(err), pending: false, error: true });
          } finally {
            set({ busy: false });
          }
        },
        async pollStaff(api) {
          const { conversationId, syncedAt } = get();
          if (!conversationId) return;
          const res = await api.messages(conversationId, syncedAt).catch(() => null);
          if (!res || get().conversationId !== conversationId) return;
          const newest = res.messages.at(-1)?.createdAt;
          set((s) => {
            const known = new Set(s.messages.map((m) => m.id));
            const staff = res.messages
              .filter((m) => m.role === "staff" && m.id && !known.has(m.id))
              .map((m): ChatMessage => ({ id: m.id as string, role: "staff", content: m.content }));
            return {
              syncedAt: newest ?? s.syncedAt,
              messages: staff.length > 0 ? [...s.messages, ...staff].slice(-MAX_MESSAGES) : s.messages,
            };
          });
        },
      }),
      {
        name: storageKey,
        version: 1,
        storage: createJSONStorage(() => localStorage),
        partialize: (s) => ({
          open: s.open,
          view: s.view === "checkout" ? "cart" : s.view,
          language: s.language,
          conversationId: s.conversationId,
          syncedAt: s.syncedAt,
          // A reply still streaming when the page went away is dropped, not kept half-written.
          messages: s.messages.filter((m) => !m.pending),
          cart: s.cart,
          contact: s.contact,
          orderIds: s.orderIds.slice(0, 20),
          lastOrder: s.lastOrder,
        }),
      },
    ),
  );
}

export type WidgetStore = ReturnType<typeof createWidgetStore>;

/** Display-only estimate: tier price × number of packs. The server computes the real total. */
export function estimateLine(line: CartLine): number {
  return Number(line.tierPrice) * (line.quantity / line.step);
}
