/**
 * Creating an order: price on the server from the catalog, then number it and write it with its
 * history, the customer's stats, the conversation and the event in one statement; the caches
 * it changes get the new rows (profile, conversation) or are dropped (lists, metrics, contexts).
 */
import { CacheKeys, CacheTTL } from "../../cache/keys.js";
import type { CacheEntry } from "../../cache/types.js";
import { conversations, orders, userProfiles } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { listCatalog } from "../catalog/index.js";
import { contextAfterOrder, type FullContext, recentOrderOf } from "../customer-context.js";
import type { Jsonify } from "../json.js";
import { dedupeKeyFor, orderPayload } from "../notifications.js";
import { type Quote, type QuoteLineInput, type QuoteProblem, quote } from "../pricing.js";
import { profileCacheKeys } from "../profiles.js";
import { rowReader } from "../rows.js";
import { getSettings } from "../settings.js";
import { afterOrderChange } from "./events.js";
import { counterUpsertSql, orderDay, orderNumberSql } from "./number.js";

export type Order = Jsonify<typeof orders.$inferSelect>;
export const PAYMENT_METHODS = ["cash", "transfer", "crypto"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface CreateOrderInput {
  userProfileId: string;
  conversationId?: string | null;
  items: QuoteLineInput[];
  contactInfo: { name?: string; phone: string; email?: string };
  deliveryAddress: string;
  deliveryNotes?: string | null;
  deliveryLocation?: { latitude: number; longitude: number } | null;
  paymentMethod: PaymentMethod;
  source: "web" | "telegram" | "phone" | "admin";
  /** Staff only: overrides of the settings' delivery fee and a discount. Ignored for customers. */
  deliveryFee?: string;
  discount?: string;
  /** Who creates it, for the status history ("customer", "assistant", "staff:<username>"). */
  createdBy: string;
  /** A retried submit with the same key returns the first order instead of a second one. */
  idempotencyKey?: string;
}

export function describeProblem(p: QuoteProblem): string {
  switch (p.code) {
    case "UNKNOWN_PRODUCT":
      return `product ${p.productId} is not in the catalog`;
    case "VARIANT_REQUIRED":
      return `${p.name}: choose one of ${p.options.join(", ")}`;
    case "UNKNOWN_VARIANT":
      return `product ${p.productId} has no variant ${p.variantId}`;
    case "BELOW_MINIMUM":
      return `${p.name}: the minimum order is ${p.minimum} ${p.unit}`;
    case "OUT_OF_STOCK":
      return `${p.name}: only ${p.available} available`;
    case "BAD_QUANTITY":
      return `quantity ${p.quantity} is not valid`;
    case "NO_PRICE":
      return `${p.name} has no price`;
  }
}

export async function priceOrder(
  deps: Pick<Deps, "db" | "cache">,
  items: QuoteLineInput[],
  overrides: { deliveryFee?: string; discount?: string } = {},
): Promise<Quote> {
  const [catalog, settings] = await Promise.all([listCatalog(deps), getSettings(deps)]);
  return quote(catalog, items, {
    deliveryFee: overrides.deliveryFee ?? settings.deliveryFee,
    discount: overrides.discount ?? "0",
    currency: settings.currency,
  });
}

/** Every cache key an order of this customer touches. */
export function orderCacheKeys(
  profile: { id: string; userId?: string | null; telegramUserId?: number | null },
  orderId?: string,
) {
  return [
    CacheKeys.userOrders(profile.id),
    CacheKeys.pendingOrders(),
    CacheKeys.todayOrders(),
    CacheKeys.todayMetrics(),
    ...(orderId ? [CacheKeys.orderStatus(orderId)] : []),
    ...profileCacheKeys({
      id: profile.id,
      userId: profile.userId ?? null,
      telegramUserId: profile.telegramUserId ?? null,
    }),
  ];
}

const orderRows = rowReader(orders, "o");
const updatedProfile = rowReader(userProfiles, "p", "p.");
const updatedConversation = rowReader(conversations, "c", "c.");

/*
 * The whole order in one constant statement (prepared once per connection, nothing to build per
 * call): the day's counter is taken only for a customer that exists and an idempotency key not
 * seen yet (a repeat does not burn a number); the order row is inserted `on conflict
 * (idempotency_key) do nothing`, and only when it was inserted do the customer's stats, the
 * conversation, the order_success event and (when asked) the staff alert record follow. It
 * returns the order with the updated profile and conversation rows, or nothing (unknown
 * customer, or an existing order for the key: see EXISTING_SQL).
 *
 * $1 order id, $2 customer, $3 conversation, $4 shop day, $5 now, $6 status history, $7 items,
 * $8 subtotal, $9 delivery fee, $10 discount, $11 total, $12 currency, $13 contact, $14 address,
 * $15 notes, $16 location, $17 payment method, $18 order source, $19 idempotency key,
 * $20 event channel, $21 alert dedupe key (null: no alert), $22 alert payload.
 * The customer's total_spent stops at its column's largest value rather than fail the order. A
 * customer merged into another (a Telegram link confirmed while they ordered) orders as the
 * survivor.
 */
const CREATE_SQL = `with pr as (
    select coalesce(merged_into, id) as id from user_profiles where id = $2::uuid
  ), dup as (
    select 1 from orders where idempotency_key = $19::text
  ), n as (
    ${counterUpsertSql("$4", "exists (select 1 from pr) and not exists (select 1 from dup)")}
  ), o as (
    insert into orders (id, order_number, user_profile_id, conversation_id, status, status_history, items,
      subtotal, delivery_fee, discount, total_amount, currency, contact_info, delivery_address, delivery_notes,
      delivery_location, payment_method, order_source, idempotency_key, created_at, updated_at)
    select $1::uuid, ${orderNumberSql("$4", "n.last_value")}, (select pr.id from pr), $3::uuid, 'pending', $6::jsonb,
      $7::jsonb, $8::numeric, $9::numeric, $10::numeric, $11::numeric, $12::text, $13::jsonb, $14::text,
      $15::text, $16::jsonb, $17::text, $18::text, $19::text, $5::timestamptz, $5::timestamptz
    from n
    on conflict (idempotency_key) do nothing
    returning *
  ), p as (
    update user_profiles set total_orders = user_profiles.total_orders + 1,
      total_spent = least(user_profiles.total_spent + o.total_amount, 9999999999.99),
      phone = o.contact_info->>'phone',
      display_name = case
        when coalesce(user_profiles.display_name, '') = '' and coalesce(o.contact_info->>'name', '') <> ''
        then o.contact_info->>'name' else user_profiles.display_name end
    from o where user_profiles.id = o.user_profile_id
    returning user_profiles.*
  ), c as (
    update conversations set resulted_in_order = true, order_id = o.id
    from o where conversations.id = o.conversation_id
    returning conversations.*
  ), e as (
    insert into agent_events (user_profile_id, conversation_id, order_id, event_type, event_data, channel, created_at)
    select o.user_profile_id, o.conversation_id, o.id, 'order_success',
      jsonb_build_object('orderNumber', o.order_number, 'total', o.total_amount::text,
        'items', jsonb_array_length(o.items)),
      $20::text, $5::timestamptz
    from o
  ), s as (
    insert into notifications (type, dedupe_key, user_profile_id, conversation_id, order_id, payload, created_at)
    select 'order', $21::text, o.user_profile_id, o.conversation_id, o.id,
      $22::jsonb || jsonb_build_object('orderNumber', o.order_number), $5::timestamptz
    from o where $21::text is not null
    on conflict (dedupe_key) do nothing
    returning id
  )
  select ${orderRows.columns}, ${updatedProfile.columns}, ${updatedConversation.columns},
    s.id as notification_id
  from o left join p on true left join c on true left join s on true`;

/** When CREATE_SQL returned nothing: does the customer exist, and the order of the key (if any)? */
const EXISTING_SQL = `select exists (select 1 from user_profiles where id = $1::uuid) as profile_found,
    ${orderRows.columns}
  from (select 1) x left join orders o on o.idempotency_key = $2::text`;

export interface CreateOrderOptions {
  /**
   * Also write the staff `order` alert record (the one createNotification would write, with
   * orderPayload for this customer) in the same statement. The caller enqueues its delivery.
   */
  staffAlert?: { customer: { displayName?: string | null } };
}

export interface CreatedOrder {
  order: Order;
  /** False when the idempotency key already had an order (that order is returned). */
  created: boolean;
  /** The staff alert record written with the order (staffAlert), if one was. */
  notificationId: string | null;
}

type CreateDeps = Pick<Deps, "db" | "database" | "cache" | "clock"> & Partial<Pick<Deps, "jobs" | "logger">>;

export async function createOrder(deps: CreateDeps, input: CreateOrderInput): Promise<Order> {
  return (await createOrderRecord(deps, input)).order;
}

export async function createOrderRecord(
  deps: CreateDeps,
  input: CreateOrderInput,
  opts: CreateOrderOptions = {},
): Promise<CreatedOrder> {
  if (input.items.length === 0) throw AppError.validation("items", "at least one item is required");
  const settings = await getSettings(deps);
  const q = await priceOrder(deps, input.items, { deliveryFee: input.deliveryFee, discount: input.discount });
  if (q.problems.length > 0) {
    const first = q.problems[0]!;
    throw new AppError("UNPROCESSABLE", `items: ${describeProblem(first)}`, {
      details: q.problems.map((p) => ({ field: "items", code: p.code, message: describeProblem(p) })),
    });
  }
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const id = crypto.randomUUID();
  const orderSource = input.source === "admin" ? "web" : input.source;
  let alert: [string, string] | [null, null] = [null, null];
  if (opts.staffAlert) {
    // orderPayload of the row about to be written; the statement fills in the order number.
    const payload = orderPayload(
      {
        id,
        orderNumber: "",
        status: "pending",
        items: q.lines as unknown as Order["items"],
        subtotal: q.subtotal,
        deliveryFee: q.deliveryFee,
        discount: q.discount,
        totalAmount: q.total,
        currency: q.currency,
        contactInfo: input.contactInfo,
        deliveryAddress: input.deliveryAddress,
        paymentMethod: input.paymentMethod,
        orderSource,
      },
      opts.staffAlert.customer,
    );
    alert = [dedupeKeyFor("order", { orderId: id }), JSON.stringify(payload)];
  }
  const [r] = await deps.database.query(CREATE_SQL, [
    id,
    input.userProfileId,
    input.conversationId ?? null,
    orderDay(now, settings.timeZone),
    nowIso,
    JSON.stringify([{ status: "pending", at: nowIso, by: input.createdBy }]),
    JSON.stringify(q.lines),
    q.subtotal,
    q.deliveryFee,
    q.discount,
    q.total,
    q.currency,
    JSON.stringify(input.contactInfo),
    input.deliveryAddress,
    input.deliveryNotes ?? null,
    input.deliveryLocation ? JSON.stringify(input.deliveryLocation) : null,
    input.paymentMethod,
    orderSource,
    input.idempotencyKey ?? null,
    input.source,
    ...alert,
  ]);
  if (!r) return { order: await existingOrder(deps, input), created: false, notificationId: null };

  const order = orderRows.read(r);
  await writeThrough(deps, order, r);
  // The CRM hears about every order, whichever path created it (API, web chat, Telegram).
  await afterOrderChange(deps, order, "order.created");
  return { order, created: true, notificationId: (r.notification_id as string | null) ?? null };
}

/** The unknown customer's 404, or the order an earlier submit with the same key created. */
async function existingOrder(deps: CreateDeps, input: CreateOrderInput): Promise<Order> {
  const [r] = await deps.database.query(EXISTING_SQL, [input.userProfileId, input.idempotencyKey ?? null]);
  if (!r?.profile_found) throw AppError.notFound("Customer");
  if (r.id === null || r.id === undefined) throw new AppError("CONFLICT", "order could not be created");
  return orderRows.read(r);
}

/**
 * The caches after a new order: the customer's profile, the conversation and the customer's
 * context get their new values (the next turn reads them from memory; other instances drop
 * theirs); the order lists, metrics and the other context paragraphs are dropped.
 */
async function writeThrough(deps: CreateDeps, order: Order, r: Record<string, unknown>): Promise<void> {
  const profileId = order.userProfileId!;
  const stale = orderCacheKeys({ id: profileId }, order.id);
  const entries: CacheEntry[] = [];
  const profile = r["p.id"] != null ? updatedProfile.read(r) : undefined;
  if (profile) {
    const held: CacheEntry[] = [];
    if (profile.userId)
      held.push({ key: CacheKeys.userProfile(profile.userId), value: profile, ttl: CacheTTL.userProfile });
    if (profile.telegramUserId)
      held.push({
        key: CacheKeys.userByTelegram(profile.telegramUserId),
        value: profile,
        ttl: CacheTTL.userByTelegram,
      });
    // A merged-away profile's identities resolve to its survivor: drop them rather than write it.
    if (profile.mergedInto) stale.push(...held.map((e) => e.key));
    else entries.push(...held);
  }
  if (order.conversationId) {
    stale.push(CacheKeys.conversationList(profileId));
    if (r["c.id"] != null)
      entries.push({
        key: CacheKeys.conversation(order.conversationId),
        value: updatedConversation.read(r),
        ttl: CacheTTL.conversation,
      });
    else stale.push(CacheKeys.conversation(order.conversationId));
  }
  // The customer's context: worked out from this process's copy and kept here (other instances
  // and Redis drop theirs), so the next turn does not load it again. Read and written in this
  // same tick: an invalidation that came first left no copy, and the context is dropped.
  const contextKey = CacheKeys.fullContext(profileId);
  const held = deps.cache.peek<FullContext>(contextKey);
  if (held && profile && !profile.mergedInto && held.profile.id === profileId) {
    entries.push({
      key: contextKey,
      value: contextAfterOrder(held, profile, recentOrderOf(order), deps.clock.now()),
      ttl: CacheTTL.fullContext,
      shared: "drop",
    });
  }
  const written = new Set(entries.map((e) => e.key));
  // One call: the new rows written, the stale keys deleted (value undefined), one announcement.
  await deps.cache.setMany([
    ...entries,
    ...stale.filter((key) => !written.has(key)).map((key) => ({ key, value: undefined, ttl: 0 })),
  ]);
}
