/**
 * Reading orders, with the access rule in one place: staff read every order, a customer only
 * their own. Another customer's order is answered exactly like a missing one (404), so ids and
 * numbers cannot be probed. Reads go through order:status:{id}, orders:user:{profileId},
 * orders:pending and orders:today; every write in this folder invalidates them.
 */
import { CacheKeys, CacheTTL } from "../../cache/keys.js";
import * as q from "../../db/queries/orders.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { jsonify } from "../json.js";
import { getSettings, shopLocalParts } from "../settings.js";
import type { Order } from "./create.js";

export type OrderViewer =
  | { kind: "staff"; staffId: string; username: string }
  | { kind: "customer"; profileId: string };

type ReadDeps = Pick<Deps, "db" | "cache">;

/**
 * One order by id through order:status:{id}. getOrSet: a load that a status change overtakes is
 * not stored (a plain get + set could keep the old status for the whole TTL); a miss (undefined)
 * is not cached, as ids are probed.
 */
export async function getOrder(deps: ReadDeps, orderId: string): Promise<Order | undefined> {
  return deps.cache.getOrSet<Order | undefined>(
    CacheKeys.orderStatus(orderId),
    async () => {
      const row = await q.findOrderById(deps.db, orderId);
      return row ? jsonify(row) : undefined;
    },
    { ttl: CacheTTL.orderStatus },
  );
}

function visibleTo(order: Order | undefined, viewer: OrderViewer): Order {
  if (!order || (viewer.kind === "customer" && order.userProfileId !== viewer.profileId)) {
    throw AppError.notFound("Order");
  }
  return order;
}

export async function getOrderForViewer(
  deps: ReadDeps,
  orderId: string,
  viewer: OrderViewer,
): Promise<Order> {
  return visibleTo(await getOrder(deps, orderId), viewer);
}

export async function getOrderByNumberForViewer(
  deps: ReadDeps,
  orderNumber: string,
  viewer: OrderViewer,
): Promise<Order> {
  const row = await q.findOrderByNumber(deps.db, orderNumber);
  return visibleTo(row ? await getOrder(deps, row.id) : undefined, viewer);
}

export async function listCustomerOrders(deps: ReadDeps, profileId: string): Promise<Order[]> {
  return deps.cache.getOrSet(
    CacheKeys.userOrders(profileId),
    async () => jsonify(await q.listOrdersForCustomer(deps.db, profileId)),
    { ttl: CacheTTL.userOrders },
  );
}

export interface StaffOrderQuery {
  status?: string;
  /** Only orders created today in the shop's time zone. */
  today?: boolean;
  /** Only this customer's orders. */
  userProfileId?: string;
  limit: number;
  offset: number;
}

export interface OrderPage {
  orders: Order[];
  total: number;
  limit: number;
  offset: number;
}

/** Start of "today" in the shop's time zone, as an instant. */
export function startOfShopDay(now: Date, timeZone: string): Date {
  const p = shopLocalParts(now, timeZone);
  const minutesIntoDay = Number(p.hour) * 60 + Number(p.minute);
  const start = new Date(now.getTime() - minutesIntoDay * 60_000);
  start.setUTCSeconds(0, 0);
  return start;
}

/** Staff list, newest first. The two lists the dashboard polls (pending, today) are cached. */
export async function listOrdersForStaff(
  deps: ReadDeps & Pick<Deps, "clock">,
  query: StaffOrderQuery,
): Promise<OrderPage> {
  const load = async (): Promise<OrderPage> => {
    const settings = await getSettings(deps);
    const since = query.today ? startOfShopDay(deps.clock.now(), settings.timeZone) : undefined;
    const { rows, total } = await q.listOrders(deps.db, {
      userProfileId: query.userProfileId,
      status: query.status,
      since,
      limit: query.limit,
      offset: query.offset,
    });
    return { orders: jsonify(rows), total, limit: query.limit, offset: query.offset };
  };
  // Read fresh like every page but the two polled ones (orders:user:{id} is the customer's own list).
  if (query.userProfileId) return load();
  const firstPage = query.offset === 0 && query.limit === DEFAULT_PAGE;
  if (firstPage && query.status === "pending" && !query.today) {
    return deps.cache.getOrSet(CacheKeys.pendingOrders(), load, { ttl: CacheTTL.pendingOrders });
  }
  if (firstPage && query.today && !query.status) {
    return deps.cache.getOrSet(CacheKeys.todayOrders(), load, { ttl: CacheTTL.todayOrders });
  }
  return load();
}

export const DEFAULT_PAGE = 50;
