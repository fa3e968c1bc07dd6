/**
 * The whole data model (SPEC §2) in one schema. Money is numeric(12,2) and travels as strings
 * in TypeScript so no float ever touches a price. Embeddings are real[] so the schema works on a
 * PostgreSQL without pgvector; where the `vector` extension exists (PGlite ships it) an index is
 * added at start-up (see src/db/vector.ts).
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const money = (name: string) => numeric(name, { precision: 12, scale: 2 });

// ---------------------------------------------------------------- customers (seed 000)
export const userProfiles = pgTable(
  "user_profiles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Web identity, issued by the server in a signed cookie. */
    userId: text("user_id").unique(),
    sessionId: text("session_id"),
    telegramUserId: bigint("telegram_user_id", { mode: "number" }).unique(),
    telegramUsername: text("telegram_username"),
    telegramChatId: bigint("telegram_chat_id", { mode: "number" }),
    displayName: text("display_name"),
    phone: text("phone"),
    createdAt: ts("created_at").notNull().defaultNow(),
    firstVisit: ts("first_visit").notNull().defaultNow(),
    lastVisit: ts("last_visit").notNull().defaultNow(),
    totalVisits: integer("total_visits").notNull().default(1),
    totalConversations: integer("total_conversations").notNull().default(0),
    totalMessages: integer("total_messages").notNull().default(0),
    totalOrders: integer("total_orders").notNull().default(0),
    totalSpent: money("total_spent").notNull().default("0"),
    /** {language, favoriteStrains, preferredEffects, experienceLevel, deliveryAddress, ...} */
    preferences: jsonb("preferences").$type<Record<string, unknown>>().notNull().default({}),
    /** Seed 003 persistent memory: {style, logistics, commerce} blocks. */
    persistentMemory: jsonb("persistent_memory").$type<Record<string, unknown>>().notNull().default({}),
    completenessScore: real("completeness_score").notNull().default(0),
    loyaltyPoints: integer("loyalty_points").notNull().default(0),
    referralCode: text("referral_code").unique(),
    referredBy: uuid("referred_by"),
    notes: text("notes"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    isActive: boolean("is_active").notNull().default(true),
    isBlocked: boolean("is_blocked").notNull().default(false),
    blockedReason: text("blocked_reason"),
    followupOptOut: boolean("followup_opt_out").notNull().default(false),
    /** Set when this profile was merged into another (Telegram linking). */
    mergedInto: uuid("merged_into"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("user_profiles_last_visit_idx").on(t.lastVisit)],
);

export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userProfileId: uuid("user_profile_id")
      .notNull()
      .references(() => userProfiles.id, { onDelete: "cascade" }),
    channel: text("channel").notNull().default("web"),
    language: text("language").notNull().default("en"),
    startedAt: ts("started_at").notNull().defaultNow(),
    endedAt: ts("ended_at"),
    lastMessageAt: ts("last_message_at").notNull().defaultNow(),
    summary: text("summary"),
    messageCount: integer("message_count").notNull().default(0),
    userSatisfaction: integer("user_satisfaction"),
    feedback: text("feedback"),
    resultedInOrder: boolean("resulted_in_order").notNull().default(false),
    orderId: uuid("order_id"),
    /** Staff took over: the assistant stays silent until released or this time passes. */
    takeoverBy: uuid("takeover_by"),
    takeoverUntil: ts("takeover_until"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    // A customer's conversations (a handful each, sorted in memory). No index holds a column a
    // chat turn changes (last_message_at, message_count, language), so the two updates of every
    // turn are HOT: no index entries written, the old row version pruned in place.
    index("conversations_user_idx").on(t.userProfileId),
    index("conversations_started_idx").on(t.startedAt),
    index("conversations_channel_idx").on(t.channel),
    index("conversations_active_idx").on(t.userProfileId).where(sql`ended_at is null`),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userProfileId: uuid("user_profile_id").references(() => userProfiles.id, { onDelete: "cascade" }),
    /** user | assistant | staff | system */
    role: text("role").notNull(),
    content: text("content").notNull(),
    detectedLanguage: text("detected_language"),
    productCards: jsonb("product_cards").$type<string[]>().notNull().default([]),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("messages_conversation_idx").on(t.conversationId, t.createdAt)],
);

// ---------------------------------------------------------------- staff
export const staffUsers = pgTable(
  "staff_users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    username: text("username").notNull().unique(),
    passwordHash: text("password_hash").notNull(),
    displayName: text("display_name"),
    role: text("role").notNull().default("owner"),
    telegramUserId: bigint("telegram_user_id", { mode: "number" }),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  // One Telegram account maps to one staff member: the index decides when two requests race.
  (t) => [
    uniqueIndex("staff_users_telegram_user_idx")
      .on(t.telegramUserId)
      .where(sql`telegram_user_id is not null`),
  ],
);

export const staffSessions = pgTable(
  "staff_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** sha256 of the session token: the raw token exists only in the cookie. */
    tokenHash: text("token_hash").notNull().unique(),
    staffUserId: uuid("staff_user_id")
      .notNull()
      .references(() => staffUsers.id, { onDelete: "cascade" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
    lastSeenAt: ts("last_seen_at"),
  },
  (t) => [index("staff_sessions_user_idx").on(t.staffUserId)],
);

// ---------------------------------------------------------------- catalog
export const menuItems = pgTable(
  "menu_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    /** flower | hash | edibles | vapes | pre-rolls | accessories | merch ... */
    category: text("category").notNull(),
    /** indica | sativa | hybrid (flower and hash), null otherwise */
    type: text("type"),
    thc: numeric("thc", { precision: 5, scale: 2 }),
    cbg: numeric("cbg", { precision: 5, scale: 2 }),
    description: text("description"),
    effects: text("effects").array().notNull().default(sql`'{}'::text[]`),
    flavors: text("flavors").array().notNull().default(sql`'{}'::text[]`),
    /** g for weighed goods (price tiers), pcs for variant goods */
    unit: text("unit").notNull().default("g"),
    /** Minimum order quantity in `unit` (20 g flower, 10 g hash). */
    minQuantity: numeric("min_quantity", { precision: 10, scale: 2 }).notNull().default("1"),
    /** Stock in `unit`; null = not tracked. */
    stock: numeric("stock", { precision: 12, scale: 2 }),
    inStock: boolean("in_stock").notNull().default(true),
    isOur: boolean("is_our").notNull().default(false),
    imageUrl: text("image_url"),
    sortOrder: integer("sort_order").notNull().default(0),
    isActive: boolean("is_active").notNull().default(true),
    embedding: real("embedding").array(),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("menu_items_category_idx").on(t.category)],
);

/**
 * Prices: weight tiers (kind=weight: `grams` + pack price) or size/colour variants
 * (kind=variant: `size`/`color`/`sku` + unit price + own stock).
 */
export const menuItemPrices = pgTable(
  "menu_item_prices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    menuItemId: uuid("menu_item_id")
      .notNull()
      .references(() => menuItems.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    grams: numeric("grams", { precision: 10, scale: 2 }),
    size: text("size"),
    color: text("color"),
    sku: text("sku"),
    price: money("price").notNull(),
    stock: integer("stock"),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [index("menu_item_prices_item_idx").on(t.menuItemId)],
);

// ---------------------------------------------------------------- orders
export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** OGYYMMDD-XXX in the shop's time zone; see order_counters. */
    orderNumber: text("order_number").notNull().unique(),
    userProfileId: uuid("user_profile_id").references(() => userProfiles.id, { onDelete: "set null" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    assignedTo: uuid("assigned_to").references(() => staffUsers.id, { onDelete: "set null" }),
    status: text("status").notNull().default("pending"),
    statusHistory: jsonb("status_history")
      .$type<Array<{ status: string; at: string; by: string; note?: string }>>()
      .notNull()
      .default([]),
    items: jsonb("items").$type<Array<Record<string, unknown>>>().notNull().default([]),
    subtotal: money("subtotal").notNull(),
    deliveryFee: money("delivery_fee").notNull().default("0"),
    discount: money("discount").notNull().default("0"),
    totalAmount: money("total_amount").notNull(),
    currency: text("currency").notNull().default("฿"),
    contactInfo: jsonb("contact_info").$type<{ name?: string; phone: string; email?: string }>().notNull(),
    deliveryAddress: text("delivery_address"),
    deliveryNotes: text("delivery_notes"),
    deliveryLocation: jsonb("delivery_location").$type<{ latitude: number; longitude: number } | null>(),
    paymentMethod: text("payment_method").notNull(),
    paymentStatus: text("payment_status").notNull().default("pending"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    confirmedAt: ts("confirmed_at"),
    preparingAt: ts("preparing_at"),
    deliveringAt: ts("delivering_at"),
    estimatedDelivery: ts("estimated_delivery"),
    actualDelivery: ts("actual_delivery"),
    completedAt: ts("completed_at"),
    cancelledAt: ts("cancelled_at"),
    orderSource: text("order_source").notNull().default("web"),
    staffNotes: text("staff_notes"),
    cancellationReason: text("cancellation_reason"),
    rating: integer("rating"),
    review: text("review"),
    /** Makes a retried submit (same conversation + draft) return the same order. */
    idempotencyKey: text("idempotency_key").unique(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("orders_user_idx").on(t.userProfileId, t.createdAt),
    index("orders_status_idx").on(t.status, t.createdAt),
    index("orders_created_idx").on(t.createdAt),
  ],
);

/** One row per shop-local day; `UPDATE … RETURNING` hands out order sequence numbers atomically. */
export const orderCounters = pgTable("order_counters", {
  day: text("day").primaryKey(),
  lastValue: integer("last_value").notNull().default(0),
});

// ---------------------------------------------------------------- events & analytics
export const agentEvents = pgTable(
  "agent_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userProfileId: uuid("user_profile_id").references(() => userProfiles.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    orderId: uuid("order_id").references(() => orders.id, { onDelete: "set null" }),
    /** chat_message | order_attempt | order_success | agent_error | feedback | voice_input |
     *  product_view | product_click | session_start | session_end */
    eventType: text("event_type").notNull(),
    eventData: jsonb("event_data").$type<Record<string, unknown>>().notNull().default({}),
    channel: text("channel"),
    sessionId: text("session_id"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("agent_events_type_idx").on(t.eventType, t.createdAt),
    index("agent_events_user_idx").on(t.userProfileId, t.createdAt),
  ],
);

// ---------------------------------------------------------------- settings & secrets
/** Dynamic settings editable in the admin (shop name, hours, fee, time zone, greetings...). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
  updatedBy: text("updated_by"),
});

/** Generated secrets shared by every instance (cookie secret). Never exposed by any API. */
export const appSecrets = pgTable("app_secrets", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  createdAt: ts("created_at").notNull().defaultNow(),
});

// ---------------------------------------------------------------- agent state (seed 003)
/** Checkpoint of the agent per conversation: dialog phase, selected products, draft order. */
export const agentSessions = pgTable("agent_sessions", {
  conversationId: uuid("conversation_id")
    .primaryKey()
    .references(() => conversations.id, { onDelete: "cascade" }),
  userProfileId: uuid("user_profile_id").references(() => userProfiles.id, { onDelete: "cascade" }),
  state: jsonb("state").$type<Record<string, unknown>>().notNull().default({}),
  version: integer("version").notNull().default(0),
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

// ---------------------------------------------------------------- customer memory (seed 003)
export const memoryFacts = pgTable(
  "memory_facts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userProfileId: uuid("user_profile_id")
      .notNull()
      .references(() => userProfiles.id, { onDelete: "cascade" }),
    content: text("content").notNull(),
    /** preference | constraint | logistics | behavior */
    factType: text("fact_type").notNull(),
    /** product | effect | delivery | payment | health | style | personal ... */
    category: text("category").notNull(),
    importance: real("importance").notNull(),
    surprise: real("surprise").notNull(),
    confidence: real("confidence").notNull(),
    decayRate: real("decay_rate").notNull().default(0.02),
    embedding: real("embedding").array(),
    isActive: boolean("is_active").notNull().default(true),
    source: text("source").notNull().default("conversation"),
    sourceMessageId: uuid("source_message_id"),
    timesSeen: integer("times_seen").notNull().default(1),
    summarizedIn: uuid("summarized_in"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    lastAccessedAt: ts("last_accessed_at"),
  },
  (t) => [index("memory_facts_user_idx").on(t.userProfileId, t.isActive, t.importance)],
);

export const memorySummaries = pgTable(
  "memory_summaries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userProfileId: uuid("user_profile_id")
      .notNull()
      .references(() => userProfiles.id, { onDelete: "cascade" }),
    summaryType: text("summary_type").notNull().default("user"),
    summaryText: text("summary_text").notNull(),
    keyFacts: text("key_facts").array().notNull().default(sql`'{}'::text[]`),
    factsCount: integer("facts_count").notNull().default(0),
    isCurrent: boolean("is_current").notNull().default(true),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("memory_summaries_user_idx").on(t.userProfileId, t.isCurrent)],
);

// ---------------------------------------------------------------- observability (seed 003)
export const llmTraces = pgTable(
  "llm_traces",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    traceId: uuid("trace_id").notNull(),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    userProfileId: uuid("user_profile_id").references(() => userProfiles.id, { onDelete: "set null" }),
    nodeName: text("node_name").notNull(),
    stateName: text("state_name"),
    inputSnapshot: jsonb("input_snapshot").$type<unknown>(),
    outputSnapshot: jsonb("output_snapshot").$type<unknown>(),
    /** SUCCESS | ERROR | BLOCKED | ESCALATED */
    status: text("status").notNull(),
    /** SCHEMA | BUSINESS | SAFETY | SYSTEM | TIMEOUT */
    errorCategory: text("error_category"),
    errorMessage: text("error_message"),
    latencyMs: real("latency_ms").notNull().default(0),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    cost: numeric("cost", { precision: 14, scale: 6 }).notNull().default("0"),
    modelName: text("model_name").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("llm_traces_conversation_idx").on(t.conversationId, t.createdAt),
    index("llm_traces_created_idx").on(t.createdAt),
  ],
);

export const llmUsage = pgTable(
  "llm_usage",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userProfileId: uuid("user_profile_id").references(() => userProfiles.id, { onDelete: "set null" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    model: text("model").notNull(),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    cost: numeric("cost", { precision: 14, scale: 6 }).notNull().default("0"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("llm_usage_created_idx").on(t.createdAt)],
);

// ---------------------------------------------------------------- semantic cache
export const semanticCache = pgTable("semantic_cache", {
  id: uuid("id").primaryKey().defaultRandom(),
  queryHash: text("query_hash").notNull().unique(),
  queryText: text("query_text").notNull(),
  language: text("language").notNull(),
  answer: jsonb("answer").$type<Record<string, unknown>>().notNull(),
  embedding: real("embedding").array().notNull(),
  hits: integer("hits").notNull().default(0),
  createdAt: ts("created_at").notNull().defaultNow(),
  expiresAt: ts("expires_at").notNull(),
});

// ---------------------------------------------------------------- staff notifications & outbound
/** Staff notification records (decision matrix: order | wish | staff_question | feedback). */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    type: text("type").notNull(),
    /** One notification per (type, subject): a retry of ours never creates a second. */
    dedupeKey: text("dedupe_key").notNull().unique(),
    userProfileId: uuid("user_profile_id").references(() => userProfiles.id, { onDelete: "set null" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    orderId: uuid("order_id").references(() => orders.id, { onDelete: "set null" }),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** pending | sent | failed | skipped */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    telegramMessageId: bigint("telegram_message_id", { mode: "number" }),
    createdAt: ts("created_at").notNull().defaultNow(),
    sentAt: ts("sent_at"),
  },
  (t) => [index("notifications_created_idx").on(t.createdAt)],
);

/** Outbound CRM/webhook deliveries (seed 003 crm_orders). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id").references(() => orders.id, { onDelete: "set null" }),
    event: text("event").notNull(),
    url: text("url").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    /** pending | delivered | failed | refused */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    errorMessage: text("error_message"),
    externalId: text("external_id"),
    createdAt: ts("created_at").notNull().defaultNow(),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [index("webhook_deliveries_order_idx").on(t.orderId)],
);

// ---------------------------------------------------------------- telegram
/** Each update_id is processed once: the insert is the claim (a unique key, not a cache). */
export const telegramUpdates = pgTable("telegram_updates", {
  updateId: bigint("update_id", { mode: "number" }).primaryKey(),
  receivedAt: ts("received_at").notNull().defaultNow(),
  processedAt: ts("processed_at"),
  status: text("status").notNull().default("received"),
});

export const telegramLinkTokens = pgTable("telegram_link_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  userProfileId: uuid("user_profile_id")
    .notNull()
    .references(() => userProfiles.id, { onDelete: "cascade" }),
  createdAt: ts("created_at").notNull().defaultNow(),
  expiresAt: ts("expires_at").notNull(),
  usedAt: ts("used_at"),
});

// ---------------------------------------------------------------- jobs & follow-ups
/** Durable job runner for deployments without Redis (BullMQ is used when Redis is configured). */
export const jobs = pgTable(
  "jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    queue: text("queue").notNull(),
    name: text("name").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    /** waiting | active | completed | failed */
    status: text("status").notNull().default("waiting"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    runAt: ts("run_at").notNull().defaultNow(),
    lockedBy: text("locked_by"),
    lockedUntil: ts("locked_until"),
    lastError: text("last_error"),
    dedupeKey: text("dedupe_key").unique(),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    completedAt: ts("completed_at"),
  },
  (t) => [index("jobs_due_idx").on(t.status, t.runAt)],
);

export const followups = pgTable(
  "followups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userProfileId: uuid("user_profile_id")
      .notNull()
      .references(() => userProfiles.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "cascade" }),
    /** One follow-up per intent, ever. */
    intentKey: text("intent_key").notNull().unique(),
    channel: text("channel").notNull(),
    /** scheduled | sent | cancelled | skipped */
    status: text("status").notNull().default("scheduled"),
    dueAt: ts("due_at").notNull(),
    sentAt: ts("sent_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("followups_due_idx").on(t.status, t.dueAt)],
);
