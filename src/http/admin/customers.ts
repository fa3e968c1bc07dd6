/**
 * /api/admin/customers (staff): customers with their memory. List and search, one customer,
 * edit (tags, notes, block, opt-out, preferences), delete (their memory goes with them), the
 * memory facts (see, add, correct, delete, forget all), their orders and what the assistant sees
 * (context).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { listConversationsForProfile } from "../../services/conversations.js";
import { getFullContext } from "../../services/customer-context.js";
import * as customers from "../../services/customers.js";
import { listCustomerOrders } from "../../services/orders/read.js";
import { getProfileById } from "../../services/profiles.js";
import { type StaffVariables, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent, PhoneNumber } from "../schemas.js";

const Loose = (name: string) => z.object({}).loose().openapi(name);
const Profile = Loose("CustomerProfile");
const Fact = Loose("MemoryFact");

const FACT_TYPES = ["preference", "constraint", "logistics", "behavior"] as const;
const unit = z.number().min(0).max(1);

const ListQuery = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  tag: z.string().trim().min(1).max(50).optional(),
  blocked: z.enum(["true", "false"]).optional(),
  sort: z.enum(customers.CUSTOMER_SORTS).default("lastVisit"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const CustomerPatch = z
  .object({
    displayName: z.string().trim().min(1).max(80).nullable(),
    phone: PhoneNumber.nullable(),
    notes: z.string().max(5000).nullable(),
    tags: z.array(z.string().trim().min(1).max(50)).max(30),
    isBlocked: z.boolean(),
    blockedReason: z.string().trim().max(500).nullable(),
    followupOptOut: z.boolean(),
    preferences: z.record(z.string().max(50), z.unknown()),
  })
  .partial()
  .strict()
  .openapi("CustomerPatch");

/** Whether a parsed patch sets anything: an empty `preferences` merges nothing. */
function changesSomething(patch: z.infer<typeof CustomerPatch>): boolean {
  return Object.entries(patch).some(
    ([k, v]) => v !== undefined && !(k === "preferences" && Object.keys(v as object).length === 0),
  );
}

const FactInput = z
  .object({
    content: z.string().trim().min(2).max(500),
    factType: z.enum(FACT_TYPES),
    category: z.string().trim().min(1).max(40),
    importance: unit.optional(),
    confidence: unit.optional(),
    decayRate: unit.optional(),
  })
  .strict()
  .openapi("MemoryFactInput");

const FactPatch = FactInput.partial()
  .extend({ isActive: z.boolean().optional() })
  .strict()
  .openapi("MemoryFactPatch");

const idParam = z.object({ id: z.uuid() });
const factParam = z.object({ id: z.uuid(), factId: z.uuid() });
const errs = {
  400: jsonContent(ErrorSchema, "Invalid input (the field is named)"),
  401: jsonContent(ErrorSchema, "Staff sign-in required"),
  404: jsonContent(ErrorSchema, "No such customer or fact"),
};

const route = <M extends "get" | "post" | "patch" | "delete", P extends string>(
  method: M,
  path: P,
  summary: string,
) => ({ method, path, summary, tags: ["admin: customers"], security: staffSecurity });

export function customerAdminRoutes(deps: Deps) {
  const list = createRoute({
    ...route("get", "/", "Customers, newest visit first (search by name, @username, phone, notes or id)"),
    request: { query: ListQuery },
    responses: {
      200: jsonContent(z.object({ items: z.array(Profile), total: z.number() }), "A page of customers"),
      ...errs,
    },
  });
  const get = createRoute({
    ...route("get", "/{id}", "One customer with memory facts, summary, missing fields and follow-ups"),
    request: { params: idParam },
    responses: { 200: jsonContent(Loose("CustomerDetail"), "The customer"), ...errs },
  });
  const patch = createRoute({
    ...route("patch", "/{id}", "Edit tags, notes, block (with reason), follow-up opt-out, preferences"),
    request: {
      params: idParam,
      body: { required: true, content: { "application/json": { schema: CustomerPatch } } },
    },
    responses: { 200: jsonContent(Profile, "The updated customer"), ...errs },
  });
  const del = createRoute({
    ...route("delete", "/{id}", "Delete a customer with their conversations and memory (orders are kept)"),
    request: { params: idParam },
    responses: { 200: jsonContent(z.object({ deleted: z.boolean() }), "Deleted"), ...errs },
  });
  const context = createRoute({
    ...route("get", "/{id}/context", "What the assistant knows about this customer (the context paragraph)"),
    request: { params: idParam },
    responses: { 200: jsonContent(Loose("CustomerContext"), "Full context"), ...errs },
  });
  const convs = createRoute({
    ...route("get", "/{id}/conversations", "The customer's latest 50 conversations"),
    request: { params: idParam },
    responses: {
      200: jsonContent(z.object({ items: z.array(Loose("ConversationRow")) }), "Conversations"),
      ...errs,
    },
  });
  const orders = createRoute({
    ...route("get", "/{id}/orders", "The customer's latest 50 orders, newest first"),
    request: { params: idParam },
    responses: {
      200: jsonContent(z.object({ items: z.array(Loose("CustomerOrder")) }), "Orders"),
      ...errs,
    },
  });
  const facts = createRoute({
    ...route("get", "/{id}/facts", "Memory facts (inactive ones too, after the active ones)"),
    request: { params: idParam },
    responses: { 200: jsonContent(z.object({ items: z.array(Fact) }), "Facts"), ...errs },
  });
  const addFact = createRoute({
    ...route("post", "/{id}/facts", "Add a fact (staff facts skip the importance/surprise gate)"),
    request: {
      params: idParam,
      body: { required: true, content: { "application/json": { schema: FactInput } } },
    },
    responses: { 201: jsonContent(Fact, "The fact"), ...errs },
  });
  const patchFact = createRoute({
    ...route("patch", "/{id}/facts/{factId}", "Correct a fact (content, importance, active...)"),
    request: {
      params: factParam,
      body: { required: true, content: { "application/json": { schema: FactPatch } } },
    },
    responses: { 200: jsonContent(Fact, "The corrected fact"), ...errs },
  });
  const delFact = createRoute({
    ...route("delete", "/{id}/facts/{factId}", "Delete a fact"),
    request: { params: factParam },
    responses: { 200: jsonContent(z.object({ deleted: z.boolean() }), "Deleted"), ...errs },
  });
  const clear = createRoute({
    ...route(
      "delete",
      "/{id}/memory",
      "Forget everything remembered about this customer (facts and summaries)",
    ),
    request: { params: idParam },
    responses: {
      200: jsonContent(z.object({ facts: z.number(), summaries: z.number() }), "What was deleted"),
      ...errs,
    },
  });

  /** The customer's profile; an unknown id is a 404 on every per-customer route. */
  async function existingCustomer(id: string) {
    const p = await getProfileById(deps, id);
    if (!p) throw AppError.notFound("Customer");
    return p;
  }

  return newRouter<{ Variables: StaffVariables }>()
    .openapi(list, async (c) => {
      const q = c.req.valid("query");
      const blocked = q.blocked === undefined ? undefined : q.blocked === "true";
      return c.json(await customers.listCustomers(deps, { ...q, blocked }), 200);
    })
    .openapi(get, async (c) => c.json(await customers.getCustomer(deps, c.req.valid("param").id), 200))
    .openapi(patch, async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      // Nothing to change (`{}`, or only an empty `preferences`): the customer as is, nothing written.
      if (!changesSomething(body)) return c.json(await existingCustomer(id), 200);
      return c.json(await customers.updateCustomer(deps, id, body), 200);
    })
    .openapi(del, async (c) => {
      await customers.deleteCustomer(deps, c.req.valid("param").id);
      return c.json({ deleted: true }, 200);
    })
    .openapi(context, async (c) => {
      const ctx = await getFullContext(deps, c.req.valid("param").id);
      if (!ctx) throw AppError.notFound("Customer");
      return c.json(ctx, 200);
    })
    .openapi(convs, async (c) => {
      const { id } = c.req.valid("param");
      await existingCustomer(id);
      return c.json({ items: await listConversationsForProfile(deps, id) }, 200);
    })
    .openapi(orders, async (c) => {
      const { id } = c.req.valid("param");
      await existingCustomer(id);
      return c.json({ items: await listCustomerOrders(deps, id) }, 200);
    })
    .openapi(facts, async (c) => {
      const { id } = c.req.valid("param");
      await existingCustomer(id);
      return c.json({ items: await customers.listFacts(deps, id, { includeInactive: true }) }, 200);
    })
    .openapi(addFact, async (c) => {
      const { id } = c.req.valid("param");
      return c.json(await customers.addFact(deps, id, c.req.valid("json")), 201);
    })
    .openapi(patchFact, async (c) => {
      const { id, factId } = c.req.valid("param");
      await existingCustomer(id);
      return c.json(await customers.updateFact(deps, id, factId, c.req.valid("json")), 200);
    })
    .openapi(delFact, async (c) => {
      const { id, factId } = c.req.valid("param");
      await existingCustomer(id);
      await customers.deleteFact(deps, id, factId);
      return c.json({ deleted: true }, 200);
    })
    .openapi(clear, async (c) => c.json(await customers.clearMemory(deps, c.req.valid("param").id), 200));
}
