/**
 * /api/orders (SPEC §3). GET: one order by orderId or orderNumber, or a list (a customer: their
 * own, `userProfileId` ignored; staff: all, newest first, `limit`/`offset`, `status`, `today`,
 * `userProfileId`, total in X-Total-Count).
 * POST: a customer orders for the customer of the cookie (userProfileId, deliveryFee and
 * discount in the body are ignored); staff order for any customer. PATCH: staff change a
 * status, the payment status and/or the estimated delivery.
 * POST /{orderId}/review: a customer rates their completed order.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { getConversation } from "../../services/conversations.js";
import type { Order } from "../../services/orders/create.js";
import { placeOrder } from "../../services/orders/place.js";
import {
  DEFAULT_PAGE,
  getOrderByNumberForViewer,
  getOrderForViewer,
  listCustomerOrders,
  listOrdersForStaff,
  type OrderViewer,
} from "../../services/orders/read.js";
import { rateOrder } from "../../services/orders/review.js";
import { updateOrder } from "../../services/orders/status.js";
import { getOrCreateWebProfile, getProfileById } from "../../services/profiles.js";
import { type CustomerVariables, customerIdentity } from "../middleware/customer.js";
import {
  type OptionalStaffVariables,
  optionalStaff,
  requireStaff,
  staffSecurity,
} from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";
import { CreateOrderBody, OrderSchema, OrdersQuery, PatchOrderBody, ReviewBody } from "./schemas.js";

type Vars = CustomerVariables & OptionalStaffVariables;

async function viewerOf(deps: Deps, vars: Pick<Vars, "staff" | "customerId">): Promise<OrderViewer> {
  const staff = vars.staff;
  if (staff) return { kind: "staff", staffId: staff.id, username: staff.username };
  const profile = await getOrCreateWebProfile(deps, vars.customerId);
  return { kind: "customer", profileId: profile.id };
}

/** Fields only staff see: internal notes, the assignee and the idempotency key. */
const STAFF_ONLY_FIELDS = ["staffNotes", "assignedTo", "idempotencyKey"] as const;

function forCustomer(order: Order): Order {
  const shown: Record<string, unknown> = { ...order };
  for (const f of STAFF_ONLY_FIELDS) delete shown[f];
  return shown as Order;
}

/** What a viewer may see of an order: staff everything, a customer not the staff-only fields. */
function shownTo<T extends Order | Order[]>(viewer: { kind: "staff" | "customer" }, o: T): T {
  if (viewer.kind === "staff") return o;
  return (Array.isArray(o) ? o.map(forCustomer) : forCustomer(o as Order)) as T;
}

const errors = {
  400: jsonContent(ErrorSchema, "Invalid input (the field is named)"),
  404: jsonContent(ErrorSchema, "No such order (or not yours)"),
};

export function orderRoutes(deps: Deps) {
  const getRoute = createRoute({
    method: "get",
    path: "/",
    tags: ["orders"],
    summary: "One order (orderId | orderNumber) or a list: yours, or all for staff",
    request: { query: OrdersQuery },
    responses: {
      200: jsonContent(z.union([OrderSchema, z.array(OrderSchema)]), "Order or orders"),
      ...errors,
    },
  });
  const postRoute = createRoute({
    method: "post",
    path: "/",
    tags: ["orders"],
    summary: "Create an order, priced on the server from the catalog",
    request: { body: { required: true, content: { "application/json": { schema: CreateOrderBody } } } },
    responses: {
      201: jsonContent(OrderSchema, "The created order"),
      200: jsonContent(OrderSchema, "The order an earlier request with the same idempotencyKey created"),
      ...errors,
      422: jsonContent(ErrorSchema, "An item cannot be ordered (unknown, below minimum, out of stock)"),
    },
  });
  const patchRoute = createRoute({
    method: "patch",
    path: "/",
    tags: ["orders"],
    summary: "Change an order's status, payment status or estimated delivery (staff)",
    security: staffSecurity,
    middleware: [requireStaff(deps)] as const,
    request: { body: { required: true, content: { "application/json": { schema: PatchOrderBody } } } },
    responses: {
      200: jsonContent(OrderSchema, "The order with its changes and history"),
      ...errors,
      401: jsonContent(ErrorSchema, "Staff sign-in required"),
      409: jsonContent(
        ErrorSchema,
        "This change is not allowed (named in the message): a status move outside the lifecycle, " +
          "paid on a cancelled order, a refund of an unpaid order, a delivery time on a final order",
      ),
    },
  });
  const reviewRoute = createRoute({
    method: "post",
    path: "/{orderId}/review",
    tags: ["orders"],
    summary: "Rate your completed order (1-5) with an optional review",
    request: {
      params: z.object({ orderId: z.uuid() }),
      body: { required: true, content: { "application/json": { schema: ReviewBody } } },
    },
    responses: {
      200: jsonContent(OrderSchema, "The rated order"),
      ...errors,
      409: jsonContent(ErrorSchema, "Not completed yet, or already rated"),
    },
  });

  const router = newRouter<{ Variables: Vars }>();
  router.use(
    "*",
    customerIdentity(deps.cookieSecret, { secure: deps.config.http.publicUrl?.startsWith("https:") }),
  );
  router.use("*", optionalStaff(deps));

  return router
    .openapi(getRoute, async (c) => {
      const q = c.req.valid("query");
      const viewer = await viewerOf(deps, { staff: c.get("staff"), customerId: c.get("customerId") });
      if (q.orderId) return c.json(shownTo(viewer, await getOrderForViewer(deps, q.orderId, viewer)), 200);
      if (q.orderNumber)
        return c.json(shownTo(viewer, await getOrderByNumberForViewer(deps, q.orderNumber, viewer)), 200);
      if (viewer.kind === "customer")
        return c.json(shownTo(viewer, await listCustomerOrders(deps, viewer.profileId)), 200);
      const page = await listOrdersForStaff(deps, {
        status: q.status,
        today: q.today === "true",
        userProfileId: q.userProfileId,
        limit: q.limit ?? DEFAULT_PAGE,
        offset: q.offset ?? 0,
      });
      c.header("X-Total-Count", String(page.total));
      return c.json(page.orders, 200);
    })
    .openapi(postRoute, async (c) => {
      const body = c.req.valid("json");
      const staff = c.get("staff");
      let profileId: string;
      let conversationId: string | undefined;
      if (staff) {
        if (!body.userProfileId) throw AppError.validation("userProfileId", "staff must name the customer");
        // Unknown ids are bad input (400 naming the field), not a foreign-key failure (500).
        if (!(await getProfileById(deps, body.userProfileId)))
          throw AppError.validation("userProfileId", "no customer with this id");
        profileId = body.userProfileId;
        const conv = body.conversationId ? await getConversation(deps, body.conversationId) : undefined;
        if (body.conversationId && conv?.userProfileId !== profileId)
          throw AppError.validation("conversationId", "no conversation of this customer with this id");
        conversationId = conv?.id;
      } else {
        // The cookie names the customer; a userProfileId in the body is ignored on purpose.
        profileId = (await getOrCreateWebProfile(deps, c.get("customerId"))).id;
        const conv = body.conversationId ? await getConversation(deps, body.conversationId) : undefined;
        conversationId = conv?.userProfileId === profileId ? conv.id : undefined;
      }
      const { order, created } = await placeOrder(deps, {
        userProfileId: profileId,
        conversationId,
        items: body.items,
        contactInfo: body.contactInfo,
        deliveryAddress: body.deliveryAddress,
        deliveryNotes: body.deliveryNotes,
        deliveryLocation: body.deliveryLocation,
        paymentMethod: body.paymentMethod,
        source: staff ? "admin" : "web",
        createdBy: staff ? `staff:${staff.username}` : "customer",
        ...(staff ? { deliveryFee: body.deliveryFee, discount: body.discount } : {}),
        idempotencyKey: body.idempotencyKey ? `api:${profileId}:${body.idempotencyKey}` : undefined,
      });
      // A retry with the same idempotency key gets the first order back, as 200.
      return c.json(shownTo({ kind: staff ? "staff" : "customer" }, order), created ? 201 : 200);
    })
    .openapi(patchRoute, async (c) => {
      const body = c.req.valid("json");
      const staff = c.get("staff");
      if (!staff) throw new AppError("UNAUTHORIZED", "Staff sign-in required");
      const eta = body.estimatedDelivery;
      const order = await updateOrder(deps, {
        orderId: body.orderId,
        status: body.status,
        paymentStatus: body.paymentStatus,
        estimatedDelivery: eta === undefined || eta === null ? eta : new Date(eta),
        note: body.note,
        by: `staff:${staff.username}`,
      });
      return c.json(order, 200);
    })
    .openapi(reviewRoute, async (c) => {
      const { orderId } = c.req.valid("param");
      const body = c.req.valid("json");
      const profile = await getOrCreateWebProfile(deps, c.get("customerId"));
      const rated = await rateOrder(deps, { orderId, profileId: profile.id, ...body });
      return c.json(shownTo({ kind: "customer" }, rated), 200);
    });
}
