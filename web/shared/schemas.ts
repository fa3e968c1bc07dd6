/**
 * Response shapes the web faces rely on (SPEC §3). Deliberately tolerant: unknown fields pass
 * through, money may arrive as a string or a number (we keep strings: the server's numerics are
 * exact), and lists may arrive bare or wrapped (`{items}`, `{orders}`…). Adapting the UI to a
 * change in the API is a change in this file and web/shared/api.ts only.
 */
import { z } from "zod";

const money = z.union([z.string(), z.number()]).transform((v) => String(v));
const numeric = z.union([z.number(), z.string()]).transform((v) => Number(v));
const optionalNumeric = z
  .union([z.number(), z.string(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined || v === "" ? null : Number(v)));
const dateString = z.union([z.string(), z.number()]).transform((v) => new Date(v).toISOString());
const strings = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

/** A list that may arrive bare (`[...]`) or wrapped in an object under one of `keys`. */
function listOf<T extends z.ZodType>(item: T, ...keys: string[]) {
  return z
    .unknown()
    .transform((v, ctx) => {
      const list = Array.isArray(v)
        ? v
        : keys
            .map((k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined))
            .find(Array.isArray);
      if (!list) {
        ctx.addIssue({ code: "custom", message: `expected a list or an object with ${keys.join("/")}` });
        return z.NEVER;
      }
      return list as unknown[];
    })
    .pipe(z.array(item));
}

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }).loose() });

export const PriceTier = z
  .object({
    id: z.string().nullish(),
    kind: z.string().nullish(),
    variantId: z.string().nullish(),
    label: z.string().nullish(),
    grams: optionalNumeric,
    size: z.string().nullish(),
    color: z.string().nullish(),
    price: money,
    stock: optionalNumeric,
  })
  .loose()
  .transform((p) => ({
    ...p,
    // Catalog rows and chat product cards both carry `grams` (null for variant goods).
    // Variant goods (size/colour) are ordered by the price row's id; weight tiers by quantity.
    variantId:
      p.variantId ?? (p.kind === "variant" || (!p.kind && (p.size || p.color)) ? (p.id ?? null) : null),
    label:
      p.label ?? (p.grams !== null ? `${p.grams}g` : [p.size, p.color].filter(Boolean).join(" / ") || "1 pc"),
  }));
export type PriceTier = z.output<typeof PriceTier>;

export const Product = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string().nullish(),
    category: z.string().nullish(),
    type: z.string().nullish(),
    thc: optionalNumeric,
    cbg: optionalNumeric,
    description: z.string().nullish(),
    effects: strings,
    flavors: strings,
    unit: z.string().nullish(),
    minQuantity: optionalNumeric,
    prices: z
      .array(PriceTier)
      .nullish()
      .transform((v) => v ?? []),
    inStock: z
      .boolean()
      .nullish()
      .transform((v) => v ?? true),
    stock: optionalNumeric,
    isOur: z.boolean().nullish(),
    imageUrl: z.string().nullish(),
  })
  .loose();
export type Product = z.output<typeof Product>;

export const ProductList = listOf(Product, "items", "products");

export const ChatChunk = z.object({ content: z.string().optional(), done: z.literal(false) }).loose();
export const ChatFinal = z
  .object({
    done: z.literal(true),
    content: z.string().nullish(),
    suggestedProducts: z.array(z.unknown()).nullish(),
    productCards: z
      .array(Product)
      .nullish()
      .transform((v) => v ?? []),
    conversationId: z.string().nullish(),
    userId: z.string().nullish(),
    notificationSent: z.boolean().nullish(),
    orderNumber: z.string().nullish(),
    /** Staff have taken the conversation over: the assistant said nothing. */
    silent: z.boolean().nullish(),
    timing: z.object({ total: numeric.optional(), processing: numeric.optional() }).loose().nullish(),
  })
  .loose();
export type ChatFinal = z.output<typeof ChatFinal>;

export const OrderStatus = z.enum([
  "pending",
  "confirmed",
  "preparing",
  "delivering",
  "completed",
  "cancelled",
]);
export type OrderStatus = z.output<typeof OrderStatus>;

export const OrderItem = z
  .object({
    productId: z.string().nullish(),
    variantId: z.string().nullish(),
    name: z.string().nullish(),
    productName: z.string().nullish(),
    product_name: z.string().nullish(),
    variant_label: z.string().nullish(),
    total_price: money.nullish(),
    quantity: numeric,
    unit: z.string().nullish(),
    unitPrice: money.nullish(),
    price: money.nullish(),
    total: money.nullish(),
    lineTotal: money.nullish(),
  })
  .loose()
  .transform((i) => ({
    ...i,
    displayName:
      (i.name ?? i.productName ?? i.product_name ?? "Item") +
      (i.variant_label ? ` (${i.variant_label})` : ""),
    lineTotal: i.lineTotal ?? i.total ?? i.total_price ?? null,
  }));
export type OrderItem = z.output<typeof OrderItem>;

export const Order = z
  .object({
    id: z.string(),
    orderNumber: z.string(),
    status: z.string(),
    statusHistory: z
      .array(
        z
          .object({
            status: z.string(),
            at: z.string(),
            by: z.string().nullish(),
            note: z.string().nullish(),
          })
          .loose(),
      )
      .nullish()
      .transform((v) => v ?? []),
    items: z
      .array(OrderItem)
      .nullish()
      .transform((v) => v ?? []),
    subtotal: money.nullish(),
    deliveryFee: money.nullish(),
    discount: money.nullish(),
    totalAmount: money.nullish(),
    total: money.nullish(),
    currency: z
      .string()
      .nullish()
      .transform((v) => v ?? "฿"),
    contactInfo: z.object({ name: z.string().nullish(), phone: z.string().nullish() }).loose().nullish(),
    deliveryAddress: z.string().nullish(),
    deliveryNotes: z.string().nullish(),
    paymentMethod: z.string().nullish(),
    paymentStatus: z.string().nullish(),
    assignedTo: z.string().nullish(),
    staffNotes: z.string().nullish(),
    cancellationReason: z.string().nullish(),
    userProfileId: z.string().nullish(),
    orderSource: z.string().nullish(),
    createdAt: dateString.nullish(),
    updatedAt: dateString.nullish(),
  })
  .loose()
  .transform((o) => ({ ...o, totalAmount: o.totalAmount ?? o.total ?? "0" }));
export type Order = z.output<typeof Order>;

/** A single order may come bare or as `{order}`. */
export const OrderEnvelope = z
  .union([Order, z.object({ order: Order }).loose()])
  .transform((v) => ("order" in v && typeof v.order === "object" ? (v.order as Order) : (v as Order)));

export const OrderList = listOf(Order, "orders", "items");

export const Staff = z
  .object({
    id: z.string().nullish(),
    username: z.string().nullish(),
    displayName: z.string().nullish(),
    role: z.string().nullish(),
  })
  .loose();
export type Staff = z.output<typeof Staff>;
export const StaffEnvelope = z
  .union([z.object({ staff: Staff }).loose(), Staff])
  .transform((v) =>
    "staff" in v && v.staff && typeof v.staff === "object" ? (v.staff as Staff) : (v as Staff),
  );
export const StaffList = listOf(Staff, "staff", "items");

/** Analytics use the seed's snake_case keys for `today` and camelCase elsewhere; both are accepted. */
export const TodayMetrics = z
  .object({
    total_orders: numeric.optional(),
    totalOrders: numeric.optional(),
    total_revenue: money.optional(),
    totalRevenue: money.optional(),
    total_conversations: numeric.optional(),
    totalConversations: numeric.optional(),
    conversion_rate: numeric.optional(),
    conversionRate: numeric.optional(),
    avg_order_value: money.optional(),
    avgOrderValue: money.optional(),
    new_users: numeric.optional(),
    newUsers: numeric.optional(),
    returning_users: numeric.optional(),
    returningUsers: numeric.optional(),
  })
  .loose()
  .transform((t) => ({
    orders: t.total_orders ?? t.totalOrders ?? 0,
    revenue: t.total_revenue ?? t.totalRevenue ?? "0",
    conversations: t.total_conversations ?? t.totalConversations ?? 0,
    conversionRate: t.conversion_rate ?? t.conversionRate ?? 0,
    avgOrderValue: t.avg_order_value ?? t.avgOrderValue ?? "0",
    newUsers: t.new_users ?? t.newUsers ?? 0,
    returningUsers: t.returning_users ?? t.returningUsers ?? 0,
  }));

export const TopProduct = z
  .object({
    product_name: z.string().optional(),
    productName: z.string().optional(),
    name: z.string().optional(),
    order_count: numeric.optional(),
    orderCount: numeric.optional(),
    total_quantity: numeric.optional(),
    totalQuantity: numeric.optional(),
    total_revenue: money.optional(),
    totalRevenue: money.optional(),
  })
  .loose()
  .transform((p) => ({
    name: p.product_name ?? p.productName ?? p.name ?? "?",
    orderCount: p.order_count ?? p.orderCount ?? 0,
    quantity: p.total_quantity ?? p.totalQuantity ?? 0,
    revenue: p.total_revenue ?? p.totalRevenue ?? "0",
  }));

const FunnelStep = z
  .object({
    step: z.string().optional(),
    stage: z.string().optional(),
    name: z.string().optional(),
    count: numeric,
  })
  .loose()
  .transform((s) => ({ name: s.step ?? s.stage ?? s.name ?? "?", count: s.count }));

/** The funnel may be a list of steps or an object of step → count. */
export const Funnel = z
  .union([
    z.array(FunnelStep),
    z
      .object({ steps: z.array(FunnelStep) })
      .loose()
      .transform((v) => v.steps),
    z.record(z.string(), z.unknown()).transform((r) =>
      Object.entries(r)
        .filter(([, v]) => typeof v === "number")
        .map(([name, count]) => ({ name, count: count as number })),
    ),
  ])
  .transform((v) => v as Array<{ name: string; count: number }>);

export const Engagement = z
  .object({
    dailyActiveUsers: numeric.optional(),
    weeklyActiveUsers: numeric.optional(),
    monthlyActiveUsers: numeric.optional(),
    avgSessionDuration: numeric.optional(),
    avgMessagesPerSession: numeric.optional(),
  })
  .loose();

export const AiPerformance = z
  .object({
    totalMessages: numeric.optional(),
    avgResponseTime: numeric.optional(),
    errorRate: numeric.optional(),
    satisfactionScore: optionalNumeric,
    totalCost: money.optional(),
    cost: money.optional(),
    costToday: money.optional(),
  })
  .loose();

const SeriesPoint = z
  .object({
    date: z.string().optional(),
    day: z.string().optional(),
    orders: numeric.optional(),
    revenue: money.optional(),
  })
  .loose()
  .transform((p) => ({
    date: p.date ?? p.day ?? "",
    orders: p.orders ?? 0,
    revenue: Number(p.revenue ?? 0),
  }));

export const AnalyticsAll = z
  .object({
    today: TodayMetrics.optional(),
    topProducts: z.array(TopProduct).optional(),
    userEngagement: Engagement.optional(),
    aiPerformance: AiPerformance.optional(),
    funnel: Funnel.optional(),
    conversionFunnel: Funnel.optional(),
    daily: z.array(SeriesPoint).optional(),
    revenueByDay: z.array(SeriesPoint).optional(),
    ordersByDay: z.array(SeriesPoint).optional(),
    timeseries: z.array(SeriesPoint).optional(),
    series: z.array(SeriesPoint).optional(),
  })
  .loose()
  .transform((a) => ({
    today: a.today,
    topProducts: a.topProducts ?? [],
    engagement: a.userEngagement,
    ai: a.aiPerformance,
    funnel: a.funnel ?? a.conversionFunnel ?? [],
    series: a.daily ?? a.revenueByDay ?? a.ordersByDay ?? a.timeseries ?? a.series ?? [],
  }));
export type AnalyticsAll = z.output<typeof AnalyticsAll>;

/** Cache stats: `keysPerPrefix` may be a record or a list of {prefix, keys, hits, misses}. */
const PrefixRow = z
  .object({
    prefix: z.string(),
    keys: numeric.optional(),
    count: numeric.optional(),
    hits: numeric.optional(),
    misses: numeric.optional(),
  })
  .loose()
  .transform((r) => ({
    prefix: r.prefix,
    keys: r.keys ?? r.count ?? 0,
    hits: r.hits ?? null,
    misses: r.misses ?? null,
  }));

export const CacheStats = z
  .object({
    available: z.boolean().optional(),
    tiers: z
      .union([z.record(z.string(), z.unknown()), z.array(z.object({ name: z.string() }).loose())])
      .optional(),
    hits: numeric.optional(),
    misses: numeric.optional(),
    hitRate: numeric.optional(),
    memory: z.unknown().optional(),
    memoryUsage: z.unknown().optional(),
    keysPerPrefix: z.union([z.record(z.string(), numeric), z.array(PrefixRow)]).optional(),
    prefixes: z.union([z.record(z.string(), z.unknown()), z.array(PrefixRow)]).optional(),
    byPrefix: z.union([z.record(z.string(), z.unknown()), z.array(PrefixRow)]).optional(),
    stats: z.record(z.string(), z.unknown()).optional(),
    totalKeys: numeric.optional(),
  })
  .loose()
  .transform((s) => {
    const rows = new Map<
      string,
      { prefix: string; keys: number; hits: number | null; misses: number | null }
    >();
    const add = (src: unknown) => {
      if (Array.isArray(src)) for (const r of src) rows.set(r.prefix, r);
      else if (src && typeof src === "object")
        for (const [prefix, v] of Object.entries(src)) {
          const prev = rows.get(prefix) ?? { prefix, keys: 0, hits: null, misses: null };
          if (typeof v === "number") rows.set(prefix, { ...prev, keys: v });
          else if (v && typeof v === "object") {
            const o = v as Record<string, unknown>;
            rows.set(prefix, {
              prefix,
              keys: Number(o.keys ?? o.count ?? prev.keys),
              hits: o.hits === undefined ? prev.hits : Number(o.hits),
              misses: o.misses === undefined ? prev.misses : Number(o.misses),
            });
          }
        }
    };
    add(s.keysPerPrefix);
    add(s.prefixes);
    add(s.byPrefix);
    const hits = s.hits ?? 0;
    const misses = s.misses ?? 0;
    const tierEntries = Array.isArray(s.tiers)
      ? s.tiers.map((t) => [t.name, t] as const)
      : Object.entries(s.tiers ?? {});
    const tiers = tierEntries.map(([name, v]) => {
      const o = (v && typeof v === "object" ? v : { available: v }) as Record<string, unknown>;
      const up = o.available ?? o.up ?? o.status;
      return {
        name,
        available: up === true || up === "up",
        detail: typeof o.detail === "string" ? o.detail : undefined,
      };
    });
    const memory = describeMemory(s.memory ?? s.memoryUsage);
    return {
      available: s.available ?? tiers.some((t) => t.available),
      tiers,
      hits,
      misses,
      hitRate: s.hitRate ?? (hits + misses > 0 ? hits / (hits + misses) : 0),
      memory,
      prefixes: [...rows.values()].sort((a, b) => a.prefix.localeCompare(b.prefix)),
      totalKeys: s.totalKeys ?? [...rows.values()].reduce((n, r) => n + r.keys, 0),
    };
  });
export type CacheStats = z.output<typeof CacheStats>;

function describeMemory(raw: unknown): string | null {
  if (typeof raw === "string" || typeof raw === "number") return String(raw);
  if (!raw || typeof raw !== "object") return null;
  const m = raw as Record<string, unknown>;
  const parts = [
    typeof m.l1Entries === "number" ? `${m.l1Entries} entries in process` : null,
    typeof m.redisUsedHuman === "string" ? `Redis ${m.redisUsedHuman}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : null;
}

export const Customer = z
  .object({
    id: z.string(),
    userId: z.string().nullish(),
    telegramUserId: z.union([z.number(), z.string()]).nullish(),
    telegramUsername: z.string().nullish(),
    displayName: z.string().nullish(),
    phone: z.string().nullish(),
    firstVisit: dateString.nullish(),
    lastVisit: dateString.nullish(),
    totalVisits: numeric.nullish(),
    totalMessages: numeric.nullish(),
    totalOrders: numeric.nullish(),
    totalSpent: money.nullish(),
    preferences: z.record(z.string(), z.unknown()).nullish(),
    tags: strings,
    notes: z.string().nullish(),
    isBlocked: z.boolean().nullish(),
    blockedReason: z.string().nullish(),
    followupOptOut: z.boolean().nullish(),
    totalConversations: numeric.nullish(),
    loyaltyPoints: numeric.nullish(),
    completenessScore: numeric.nullish(),
    createdAt: dateString.nullish(),
  })
  .loose();
export type Customer = z.output<typeof Customer>;
export const CustomerList = listOf(Customer, "customers", "items");
/** A page of customers: `{items, total}` (a bare list counts as one whole page). */
export const CustomerPage = z
  .union([
    z.object({ items: z.array(Customer), total: numeric.optional() }).loose(),
    z.array(Customer).transform((items) => ({ items, total: items.length })),
  ])
  .transform((v) => ({ items: v.items, total: v.total ?? v.items.length }));

/** What the assistant sees about a customer (GET /api/admin/customers/{id}/context). */
export const CustomerContext = z
  .object({
    paragraph: z.string().nullish(),
    greeting: z.string().nullish(),
    usualProduct: z.string().nullish(),
    memorySummary: z.string().nullish(),
    lastConversation: z
      .object({ channel: z.string().nullish(), endedAt: z.string().nullish(), summary: z.string().nullish() })
      .loose()
      .nullish(),
  })
  .loose();
export type CustomerContext = z.output<typeof CustomerContext>;

export const Followup = z
  .object({
    id: z.string(),
    intentKey: z.string().nullish(),
    conversationId: z.string().nullish(),
    channel: z.string().nullish(),
    status: z.string().nullish(),
    dueAt: dateString.nullish(),
    sentAt: dateString.nullish(),
    createdAt: dateString.nullish(),
  })
  .loose();
export type Followup = z.output<typeof Followup>;

/** `{deleted: true}` and other small acknowledgements. */
export const Deleted = z.object({ deleted: z.boolean().optional() }).loose().nullable();

export const MemoryFact = z
  .object({
    id: z.string(),
    content: z.string(),
    factType: z.string().nullish(),
    category: z.string().nullish(),
    importance: numeric.nullish(),
    surprise: numeric.nullish(),
    confidence: numeric.nullish(),
    isActive: z.boolean().nullish(),
    source: z.string().nullish(),
    createdAt: dateString.nullish(),
    updatedAt: dateString.nullish(),
  })
  .loose();
export type MemoryFact = z.output<typeof MemoryFact>;
export const MemoryFactList = listOf(MemoryFact, "facts", "items");

export const Message = z
  .object({
    id: z.string().nullish(),
    role: z.string(),
    content: z.string(),
    createdAt: dateString.nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose()
  .transform((m) => ({
    ...m,
    /** Who wrote a staff message (the takeover API signs it). */
    staffUsername: typeof m.metadata?.staffUsername === "string" ? m.metadata.staffUsername : null,
  }));
export type Message = z.output<typeof Message>;

export const Conversation = z
  .object({
    id: z.string(),
    userProfileId: z.string().nullish(),
    channel: z.string().nullish(),
    language: z.string().nullish(),
    startedAt: dateString.nullish(),
    lastMessageAt: dateString.nullish(),
    messageCount: numeric.nullish(),
    summary: z.string().nullish(),
    resultedInOrder: z.boolean().nullish(),
    endedAt: dateString.nullish(),
    takeoverBy: z.string().nullish(),
    takeoverUntil: dateString.nullish(),
    customerName: z.string().nullish(),
    telegramUsername: z.string().nullish(),
    messages: z.array(Message).nullish(),
  })
  .loose();
export type Conversation = z.output<typeof Conversation>;
export const ConversationList = listOf(Conversation, "conversations", "items");
export const ConversationPage = z
  .union([
    z.object({ items: z.array(Conversation), total: numeric.optional() }).loose(),
    z.array(Conversation).transform((items) => ({ items, total: items.length })),
  ])
  .transform((v) => ({ items: v.items, total: v.total ?? v.items.length }));

/** Staff are answering this conversation (the assistant stays silent) until `takeoverUntil`. */
export function isTakenOver(c: Pick<Conversation, "takeoverUntil">, now = Date.now()): boolean {
  return Boolean(c.takeoverUntil && new Date(c.takeoverUntil).getTime() > now);
}
export const ConversationDetail = z
  .union([
    z.object({ conversation: Conversation, messages: z.array(Message).optional() }).loose(),
    Conversation,
  ])
  .transform((v) => {
    if ("conversation" in v && v.conversation && typeof v.conversation === "object") {
      const c = v.conversation as Conversation;
      return { ...c, messages: (v.messages as Message[] | undefined) ?? c.messages ?? [] };
    }
    const c = v as Conversation;
    return { ...c, messages: c.messages ?? [] };
  });

export const CustomerDetail = z
  .union([
    z
      .object({
        customer: Customer.optional(),
        profile: Customer.optional(),
        orders: z.array(Order).optional(),
        conversations: z.array(Conversation).optional(),
        memory: z.array(MemoryFact).optional(),
        facts: z.array(MemoryFact).optional(),
        missingFields: z.array(z.string()).optional(),
        memorySummary: z
          .union([z.string(), z.object({ summaryText: z.string().nullish() }).loose()])
          .nullish(),
        followups: z.array(Followup).optional(),
      })
      .loose()
      .refine((v) => v.customer || v.profile),
    Customer,
  ])
  .transform((v) => {
    if ("customer" in v || "profile" in v) {
      const w = v as {
        customer?: Customer;
        profile?: Customer;
        orders?: Order[];
        conversations?: Conversation[];
        memory?: MemoryFact[];
        facts?: MemoryFact[];
        missingFields?: string[];
        memorySummary?: string | { summaryText?: string | null } | null;
        followups?: Followup[];
      };
      const summary = w.memorySummary;
      return {
        customer: (w.customer ?? w.profile) as Customer,
        orders: w.orders ?? null,
        conversations: w.conversations ?? null,
        facts: w.memory ?? w.facts ?? null,
        missingFields: w.missingFields ?? [],
        memorySummary: typeof summary === "string" ? summary : (summary?.summaryText ?? null),
        followups: w.followups ?? [],
      };
    }
    return {
      customer: v as Customer,
      orders: null,
      conversations: null,
      facts: null,
      missingFields: [] as string[],
      memorySummary: null as string | null,
      followups: [] as Followup[],
    };
  });
export type CustomerDetail = z.output<typeof CustomerDetail>;

/** One model call (GET /api/admin/traces: `nodeName`, `modelName`; older names accepted). */
export const Trace = z
  .object({
    id: z.string(),
    traceId: z.string().nullish(),
    nodeName: z.string().nullish(),
    node: z.string().nullish(),
    stateName: z.string().nullish(),
    modelName: z.string().nullish(),
    model: z.string().nullish(),
    status: z.string().nullish(),
    errorCategory: z.string().nullish(),
    errorMessage: z.string().nullish(),
    latencyMs: numeric.nullish(),
    tokensIn: numeric.nullish(),
    tokensOut: numeric.nullish(),
    cost: money.nullish(),
    conversationId: z.string().nullish(),
    userProfileId: z.string().nullish(),
    createdAt: dateString.nullish(),
  })
  .loose()
  .transform((t) => ({ ...t, node: t.nodeName ?? t.node ?? null, model: t.modelName ?? t.model ?? null }));
export type Trace = z.output<typeof Trace>;
/** A page of traces: `{items, total}`; a bare list is one whole page. */
export const TraceList = z
  .union([
    z.array(Trace).transform((traces) => ({ traces, total: traces.length })),
    z
      .object({
        items: z.array(Trace).optional(),
        traces: z.array(Trace).optional(),
        total: numeric.optional(),
      })
      .loose()
      .transform((v) => {
        const traces = v.items ?? v.traces ?? [];
        return { traces, total: v.total ?? traces.length };
      }),
  ])
  .transform((v) => v);

/** GET /api/admin/traces/cost?by=conversation|day: `key` is a conversation id or a UTC day. */
export const TraceCostRow = z
  .object({
    key: z.string(),
    calls: numeric,
    errors: numeric.optional(),
    tokensIn: numeric.optional(),
    tokensOut: numeric.optional(),
    cost: money,
    avgLatencyMs: numeric.optional(),
  })
  .loose()
  .transform((r) => ({
    ...r,
    errors: r.errors ?? 0,
    tokensIn: r.tokensIn ?? 0,
    tokensOut: r.tokensOut ?? 0,
    avgLatencyMs: r.avgLatencyMs ?? 0,
  }));
export type TraceCostRow = z.output<typeof TraceCostRow>;
export const TraceCost = z
  .union([
    z.object({ by: z.string().optional(), rows: z.array(TraceCostRow) }).loose(),
    z.array(TraceCostRow).transform((rows) => ({ rows })),
  ])
  .transform((v) => v.rows);

/** The conversation after takeover/release: who holds it and until when. */
export const TakeoverState = z
  .object({ id: z.string(), takeoverBy: z.string().nullish(), takeoverUntil: dateString.nullish() })
  .loose();

/** CRM webhook deliveries of an order (GET /api/admin/orders/{id}/webhooks). */
export const WebhookDelivery = z
  .object({
    id: z.string(),
    event: z.string().nullish(),
    url: z.string().nullish(),
    status: z.string().nullish(),
    attempts: numeric.nullish(),
    lastStatusCode: numeric.nullish(),
    errorMessage: z.string().nullish(),
    createdAt: dateString.nullish(),
    deliveredAt: dateString.nullish(),
  })
  .loose();
export type WebhookDelivery = z.output<typeof WebhookDelivery>;
export const WebhookDeliveryList = listOf(WebhookDelivery, "items", "deliveries");

export const Settings = z
  .union([
    z.object({ settings: z.record(z.string(), z.unknown()) }).loose(),
    z.record(z.string(), z.unknown()),
  ])
  .transform(
    (v) =>
      ("settings" in v && v.settings && typeof v.settings === "object" ? v.settings : v) as Record<
        string,
        unknown
      >,
  );

export const ImportResult = z
  .object({
    imported: numeric.optional(),
    count: numeric.optional(),
    total: numeric.optional(),
    errors: z
      .array(
        z
          .object({
            line: numeric.optional(),
            row: numeric.optional(),
            field: z.string().nullish(),
            message: z.string(),
          })
          .loose()
          .transform((e) => ({ line: e.line ?? e.row ?? null, field: e.field ?? null, message: e.message })),
      )
      .optional(),
  })
  .loose()
  .transform((r) => ({ imported: r.imported ?? r.count ?? r.total ?? 0, errors: r.errors ?? [] }));
export type ImportResult = z.output<typeof ImportResult>;

export const CacheActionResult = z
  .object({
    success: z.boolean().optional(),
    message: z.string().optional(),
    cleared: numeric.optional(),
    deleted: numeric.optional(),
    warmed: z.array(z.object({ name: z.string(), ok: z.boolean() }).loose()).optional(),
  })
  .loose()
  .transform((r) => ({ ...r, cleared: r.cleared ?? r.deleted }));

/** GET /api/agent/messages: the customer's own conversation (the widget polls it for staff replies). */
export const ConversationMessages = z
  .object({
    conversationId: z.string(),
    takenOver: z.boolean().nullish(),
    messages: z.array(Message),
  })
  .loose();
export type ConversationMessages = z.output<typeof ConversationMessages>;
