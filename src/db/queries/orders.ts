/** Order queries. Each takes the database (or a transaction) first. */
import { and, desc, eq, gte, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../client.js";
import { orders, staffUsers } from "../schema.js";

export type OrderRow = typeof orders.$inferSelect;

export async function findOrderById(db: DbOrTx, id: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, id));
  return row;
}

export async function findOrderByNumber(db: DbOrTx, orderNumber: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.orderNumber, orderNumber));
  return row;
}

/** Locks the row for the rest of the transaction, so two status changes never interleave. */
export async function lockOrder(db: DbOrTx, id: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, id)).for("update");
  return row;
}

/** How many orders listOrdersForCustomer returns by default (the newest). */
export const CUSTOMER_ORDERS_MAX = 50;

export async function listOrdersForCustomer(
  db: DbOrTx,
  profileId: string,
  limit = CUSTOMER_ORDERS_MAX,
): Promise<OrderRow[]> {
  return db
    .select()
    .from(orders)
    .where(eq(orders.userProfileId, profileId))
    .orderBy(desc(orders.createdAt), desc(orders.orderNumber))
    .limit(limit);
}

export interface OrderListFilter {
  /** Only this customer's orders (the orders_user_idx index). */
  userProfileId?: string;
  status?: string;
  since?: Date;
  limit: number;
  offset: number;
}

export async function listOrders(
  db: DbOrTx,
  f: OrderListFilter,
): Promise<{ rows: OrderRow[]; total: number }> {
  const conds: SQL[] = [];
  if (f.userProfileId) conds.push(eq(orders.userProfileId, f.userProfileId));
  if (f.status) conds.push(eq(orders.status, f.status));
  if (f.since) conds.push(gte(orders.createdAt, f.since));
  const where = conds.length > 0 ? and(...conds) : undefined;
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(orders)
      .where(where)
      .orderBy(desc(orders.createdAt), desc(orders.orderNumber))
      .limit(f.limit)
      .offset(f.offset),
    db.select({ n: sql<number>`count(*)::int` }).from(orders).where(where),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

export async function staffExists(db: DbOrTx, staffId: string): Promise<boolean> {
  const [row] = await db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.id, staffId));
  return Boolean(row);
}
