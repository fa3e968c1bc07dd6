/** Staff-only order extras: assigning a staff member and adding notes (both kept in history). */
import { eq, sql } from "drizzle-orm";
import { lockOrder, staffExists } from "../../db/queries/orders.js";
import { orders } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { jsonify } from "../json.js";
import type { Order } from "./create.js";
import { afterOrderChange } from "./events.js";
import { invalidateOrder } from "./status.js";

type StaffDeps = Pick<Deps, "db" | "cache" | "clock"> & Partial<Pick<Deps, "jobs" | "logger">>;

export async function assignOrder(
  deps: StaffDeps,
  input: { orderId: string; staffId: string | null; by: string },
): Promise<Order> {
  if (input.staffId && !(await staffExists(deps.db, input.staffId))) {
    throw AppError.validation("staffId", "no staff member with this id");
  }
  const [row] = await deps.db
    .update(orders)
    .set({ assignedTo: input.staffId, updatedAt: deps.clock.now() })
    .where(eq(orders.id, input.orderId))
    .returning();
  if (!row) throw AppError.notFound("Order");
  const order = jsonify(row);
  await invalidateOrder(deps, order);
  await afterOrderChange(deps, order, "order.updated");
  return order;
}

/** Appends a dated, signed line to staff_notes (never replaces what colleagues wrote). */
export async function addStaffNote(
  deps: StaffDeps,
  input: { orderId: string; note: string; by: string },
): Promise<Order> {
  const note = input.note.trim();
  if (!note) throw AppError.validation("note", "must not be empty");
  const now = deps.clock.now();
  const line = `[${now.toISOString()} ${input.by}] ${note}`;
  const row = await deps.db.transaction(async (tx) => {
    const current = await lockOrder(tx, input.orderId);
    if (!current) throw AppError.notFound("Order");
    const [updated] = await tx
      .update(orders)
      .set({
        staffNotes: sql`case when ${orders.staffNotes} is null or ${orders.staffNotes} = '' then ${line} else ${orders.staffNotes} || E'\n' || ${line} end`,
        updatedAt: now,
      })
      .where(eq(orders.id, current.id))
      .returning();
    return updated;
  });
  if (!row) throw AppError.notFound("Order");
  const order = jsonify(row);
  await invalidateOrder(deps, order);
  return order;
}
