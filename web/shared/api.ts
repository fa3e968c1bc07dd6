/**
 * The web faces' only door to the HTTP API: every path lives here, every response is parsed
 * with the tolerant schemas of ./schemas.ts. Requests always carry cookies (`credentials:
 * "include"`): the customer's identity and the staff session are httpOnly cookies the server
 * issues, never something the page stores or sends itself.
 */
import type { z } from "zod";
import { CachePrefixes } from "../../src/cache/keys.js";
import * as S from "./schemas.js";
import { readSseData } from "./sse.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Field-level details the server sent (per-row import errors, validation issues). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A user-safe message for any thrown value: never a stack trace. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return "Can't reach the server. Check your connection and try again.";
  return "Something went wrong. Please try again.";
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface ApiClient {
  base: string;
  get<T extends z.ZodType>(path: string, schema: T, query?: Query): Promise<z.output<T>>;
  send<T extends z.ZodType>(method: string, path: string, schema: T, body?: unknown): Promise<z.output<T>>;
}

export function createClient(base = ""): ApiClient {
  const url = (path: string, query?: Query) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
    const qs = params.toString();
    return `${base}${path}${qs ? `?${qs}` : ""}`;
  };
  async function request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body?: unknown,
    query?: Query,
  ) {
    const isForm = typeof FormData !== "undefined" && body instanceof FormData;
    const res = await fetch(url(path, query), {
      method,
      credentials: "include",
      headers:
        body === undefined || isForm
          ? { accept: "application/json" }
          : { "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : isForm ? (body as FormData) : JSON.stringify(body),
    });
    return parseResponse(res, schema);
  }
  return {
    base,
    get: (path, schema, query) => request("GET", path, schema, undefined, query),
    send: (method, path, schema, body) => request(method, path, schema, body),
  };
}

export async function parseResponse<T extends z.ZodType>(res: Response, schema: T): Promise<z.output<T>> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw toApiError(res.status, json);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    // A shape we don't understand is a bug to fix in schemas.ts, not something to show raw.
    console.warn("Unexpected API response", res.url, parsed.error.issues.slice(0, 3));
    throw new ApiError(
      res.status,
      "UNEXPECTED_RESPONSE",
      "The server answered in a way this page doesn't understand.",
    );
  }
  return parsed.data;
}

function toApiError(status: number, json: unknown): ApiError {
  const body = S.ErrorBody.safeParse(json);
  if (body.success) {
    const { code, message, details } = body.data.error;
    // Some answers carry their per-row problems beside the error (catalog import's 422).
    const rows = (json as { errors?: unknown }).errors;
    return new ApiError(status, code, message, details ?? rows);
  }
  if (status === 401) return new ApiError(status, "UNAUTHORIZED", "Please sign in.");
  if (status === 404) return new ApiError(status, "NOT_FOUND", "Not found.");
  if (status === 429) return new ApiError(status, "RATE_LIMITED", "Too many requests. Please wait a moment.");
  return new ApiError(
    status,
    "HTTP_ERROR",
    status >= 500 ? "The server had a problem. Please try again." : `Request failed (${status}).`,
  );
}

// ------------------------------------------------------------------ customer-facing (widget)

export type Language = "en" | "ru" | "th" | "uk";
export type PaymentMethod = "cash" | "transfer" | "crypto";

export interface ChatRequest {
  message: string;
  language?: Language;
  conversationId?: string | null;
}

export interface NewOrder {
  items: Array<{ productId: string; quantity: number; variantId?: string }>;
  contactInfo: { name: string; phone: string };
  deliveryAddress: string;
  deliveryNotes?: string;
  paymentMethod: PaymentMethod;
  conversationId?: string;
}

export type WidgetEventType = "voice_input" | "product_view" | "product_click";
/** Small extra facts of an event: at most 10 keys, scalar values (strings up to 200 chars). */
export type EventData = Record<string, string | number | boolean>;
/** What an event is about; the server keeps a conversation id only when it is the customer's. */
export interface EventSubject {
  productId?: string;
  productName?: string;
  conversationId?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The subject fields in the shape POST /api/events accepts (a malformed one is left out, not sent). */
function eventSubject(about: EventSubject) {
  const name = about.productName?.trim().slice(0, 200);
  return {
    productId: about.productId && UUID.test(about.productId) ? about.productId : undefined,
    productName: name || undefined,
    conversationId:
      about.conversationId && UUID.test(about.conversationId) ? about.conversationId : undefined,
  };
}

export function customerApi(client: ApiClient) {
  return {
    /** Streams a chat turn: calls onDelta for each text chunk and resolves with the final event. */
    async chat(
      req: ChatRequest,
      onDelta: (text: string) => void,
      signal?: AbortSignal,
    ): Promise<S.ChatFinal> {
      const res = await fetch(`${client.base}/api/agent/chat`, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({ ...req, conversationId: req.conversationId ?? undefined, stream: true }),
        signal,
      });
      const type = res.headers.get("content-type") ?? "";
      if (!res.ok || !res.body) throw toApiError(res.status, await res.json().catch(() => null));
      if (!type.includes("text/event-stream")) return parseResponse(res, S.ChatFinal);
      let final: S.ChatFinal | null = null;
      for await (const data of readSseData(res.body)) {
        let event: unknown;
        try {
          event = JSON.parse(data);
        } catch {
          continue;
        }
        const error = S.ErrorBody.safeParse(event);
        if (error.success) throw new ApiError(500, error.data.error.code, error.data.error.message);
        const chunk = S.ChatChunk.safeParse(event);
        if (chunk.success) {
          if (chunk.data.content) onDelta(chunk.data.content);
          continue;
        }
        const done = S.ChatFinal.safeParse(event);
        if (done.success) final = done.data;
      }
      if (!final) throw new ApiError(502, "STREAM_ENDED", "The reply was cut off. Please try again.");
      return final;
    },
    catalog: (filters: { category?: string; type?: string; effect?: string; q?: string } = {}) =>
      client.get("/api/catalog", S.ProductList, filters),
    myOrders: () => client.get("/api/orders", S.OrderList),
    order: (orderId: string) => client.get("/api/orders", S.OrderEnvelope, { orderId }),
    createOrder: (order: NewOrder) => client.send("POST", "/api/orders", S.OrderEnvelope, order),
    /** The customer's conversation (after a time): how staff replies reach the web widget. */
    messages: (conversationId: string, after?: string | null) =>
      client.get("/api/agent/messages", S.ConversationMessages, { conversationId, after }),
    /**
     * Analytics events the browser observes itself (voice input, product cards viewed or
     * clicked), for POST /api/events. Fire-and-forget: resolves to whether it was recorded and
     * never rejects, so a failed event never breaks what the customer is doing.
     */
    trackEvent: (type: WidgetEventType, data: EventData = {}, about: EventSubject = {}) =>
      fetch(`${client.base}/api/events`, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type, ...eventSubject(about), data }),
        keepalive: true,
      }).then(
        (r) => r.ok,
        () => false,
      ),
  };
}
export type CustomerApi = ReturnType<typeof customerApi>;

// ------------------------------------------------------------------ staff (admin dashboard)

export const ORDER_FLOW: S.OrderStatus[] = ["pending", "confirmed", "preparing", "delivering", "completed"];

/** The lifecycle's allowed moves (issue 4): one step forward, or cancel from a non-final state. */
export function nextStatuses(status: string): S.OrderStatus[] {
  const i = ORDER_FLOW.indexOf(status as S.OrderStatus);
  if (i === -1 || status === "completed") return [];
  const next = ORDER_FLOW[i + 1];
  return next ? [next, "cancelled"] : ["cancelled"];
}

/**
 * The prefixes `clear-prefix` accepts: the server's own list (a dependency-free constants module),
 * so the dashboard's choices can never drift from what the API validates.
 */
export const CACHE_PREFIXES = CachePrefixes;

export type AnalyticsMetric =
  | "all"
  | "today"
  | "top-products"
  | "user-engagement"
  | "ai-performance"
  | "funnel"
  | "daily";

const ADMIN = "/api/admin";
const enc = encodeURIComponent;
const customerPath = (id: string) => `${ADMIN}/customers/${enc(id)}`;

export type CustomerFilters = {
  q?: string;
  tag?: string;
  blocked?: boolean;
  sort?: "lastVisit" | "totalSpent" | "totalOrders" | "completeness" | "createdAt";
  limit?: number;
  offset?: number;
};

/** PATCH /api/admin/customers/{id}: only the fields sent change. */
export interface CustomerPatch {
  displayName?: string | null;
  phone?: string | null;
  notes?: string | null;
  tags?: string[];
  isBlocked?: boolean;
  blockedReason?: string | null;
  followupOptOut?: boolean;
}

export const FACT_TYPES = ["preference", "constraint", "logistics", "behavior"] as const;
export type FactType = (typeof FACT_TYPES)[number];

export interface NewFact {
  content: string;
  factType: FactType;
  category: string;
  importance?: number;
}

export interface FactPatch {
  content?: string;
  factType?: FactType;
  category?: string;
  importance?: number;
  isActive?: boolean;
}

export type ConversationFilters = {
  profileId?: string;
  channel?: "web" | "telegram";
  status?: "open" | "ended";
  limit?: number;
  offset?: number;
};

export function staffApi(client: ApiClient) {
  return {
    login: (password: string, username?: string) =>
      client.send("POST", "/api/auth/login", S.StaffEnvelope, { password, username: username || undefined }),
    logout: () => client.send("POST", "/api/auth/logout", S.CacheActionResult.nullable()),
    me: () => client.get("/api/auth/me", S.StaffEnvelope),

    orders: (filters: { status?: string; q?: string; page?: number; limit?: number } = {}) =>
      client.get("/api/orders", S.OrderList, filters),
    order: (orderId: string) => client.get("/api/orders", S.OrderEnvelope, { orderId }),
    setOrderStatus: (orderId: string, status: S.OrderStatus, note?: string) =>
      client.send("PATCH", "/api/orders", S.OrderEnvelope, { orderId, status, note: note || undefined }),
    assignOrder: (orderId: string, staffId: string | null) =>
      client.send("POST", `${ADMIN}/orders/${enc(orderId)}/assign`, S.OrderEnvelope, { staffId }),
    /** Appends a dated, signed line to the order's staff notes. */
    addOrderNote: (orderId: string, note: string) =>
      client.send("POST", `${ADMIN}/orders/${enc(orderId)}/notes`, S.OrderEnvelope, { note }),
    /** The order's CRM webhook deliveries (status, attempts, last error), newest first. */
    orderWebhooks: (orderId: string) =>
      client.get(`${ADMIN}/orders/${enc(orderId)}/webhooks`, S.WebhookDeliveryList),
    staff: () => client.get(`${ADMIN}/staff`, S.StaffList),

    analytics: (metric: AnalyticsMetric = "all", query: Query = {}) =>
      client.get("/api/analytics", S.AnalyticsAll, { metric, ...query }),

    cacheStats: () => client.get("/api/cache", S.CacheStats),
    cacheAction: (action: "warmup" | "warmup-menu" | "clear" | "clear-prefix", prefix?: string) =>
      client.send("POST", "/api/cache", S.CacheActionResult, { action, prefix }),

    customers: (filters: CustomerFilters = {}) =>
      client.get(`${ADMIN}/customers`, S.CustomerPage, {
        ...filters,
        blocked: filters.blocked === undefined ? undefined : String(filters.blocked),
      }),
    customer: (id: string) => client.get(customerPath(id), S.CustomerDetail),
    updateCustomer: (id: string, patch: CustomerPatch) =>
      client.send("PATCH", customerPath(id), S.Customer, patch),
    /** Deletes the customer with their conversations and memory; their orders stay. */
    deleteCustomer: (id: string) => client.send("DELETE", customerPath(id), S.Deleted),
    customerContext: (id: string) => client.get(`${customerPath(id)}/context`, S.CustomerContext),
    customerOrders: (id: string) => client.get(`${customerPath(id)}/orders`, S.OrderList),
    customerConversations: (id: string) =>
      client.get(`${customerPath(id)}/conversations`, S.ConversationList),
    customerFacts: (id: string) => client.get(`${customerPath(id)}/facts`, S.MemoryFactList),
    addFact: (id: string, fact: NewFact) =>
      client.send("POST", `${customerPath(id)}/facts`, S.MemoryFact, fact),
    updateFact: (id: string, factId: string, patch: FactPatch) =>
      client.send("PATCH", `${customerPath(id)}/facts/${enc(factId)}`, S.MemoryFact, patch),
    deleteFact: (id: string, factId: string) =>
      client.send("DELETE", `${customerPath(id)}/facts/${enc(factId)}`, S.Deleted),
    /** Forgets every fact and summary about the customer (the profile stays). */
    clearMemory: (id: string) => client.send("DELETE", `${customerPath(id)}/memory`, S.Deleted),

    conversations: (filters: ConversationFilters = {}) =>
      client.get(`${ADMIN}/conversations`, S.ConversationPage, filters),
    conversation: (id: string) => client.get(`${ADMIN}/conversations/${enc(id)}`, S.ConversationDetail),
    /** Staff answer from now on: the assistant stays silent until release or the timeout. */
    takeOver: (id: string) =>
      client.send("POST", `${ADMIN}/conversations/${enc(id)}/takeover`, S.TakeoverState),
    release: (id: string) =>
      client.send("POST", `${ADMIN}/conversations/${enc(id)}/release`, S.TakeoverState),
    /** Writes to the customer in their channel (and takes the conversation over). */
    sendStaffMessage: (id: string, text: string) =>
      client.send("POST", `${ADMIN}/conversations/${enc(id)}/message`, S.Message, { text }),

    traces: (filters: { status?: string; conversationId?: string; limit?: number; offset?: number } = {}) =>
      client.get(`${ADMIN}/traces`, S.TraceList, filters),
    traceCost: (by: "conversation" | "day", query: { from?: string; to?: string; limit?: number } = {}) =>
      client.get(`${ADMIN}/traces/cost`, S.TraceCost, { by, ...query }),

    settings: () => client.get("/api/admin/settings", S.Settings),
    saveSettings: (settings: Record<string, unknown>) =>
      client.send("PUT", "/api/admin/settings", S.Settings, settings),

    importCatalogFromUrl: (url: string) =>
      client.send("POST", "/api/admin/catalog/import", S.ImportResult, { url }),
    /** CSV upload as `{csv}` through XHR, for upload progress (fetch has none); same JSON contract. */
    importCatalogCsv(csv: string, onProgress: (fraction: number) => void): Promise<S.ImportResult> {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", `${client.base}/api/admin/catalog/import`);
        xhr.withCredentials = true;
        xhr.setRequestHeader("content-type", "application/json");
        xhr.setRequestHeader("accept", "application/json");
        xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
        xhr.onerror = () => reject(new TypeError("network"));
        xhr.onload = () => {
          const res = new Response(xhr.responseText, {
            status: xhr.status,
            headers: { "content-type": "application/json" },
          });
          parseResponse(res, S.ImportResult).then(resolve, reject);
        };
        xhr.send(JSON.stringify({ csv }));
      });
    },
  };
}
export type StaffApi = ReturnType<typeof staffApi>;
