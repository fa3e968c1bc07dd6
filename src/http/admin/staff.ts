/**
 * /api/admin/staff: staff accounts. Every staff member sees the list (order assignment); only an
 * owner (or a script with ADMIN_TOKEN) adds, changes or deletes accounts — checked before the
 * body is validated, so a non-owner gets 403 whatever they send. Anyone signed in may change
 * their own password with the current one (POST /me/password).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import {
  changeOwnPassword,
  createStaff,
  deleteStaff,
  isOwner,
  listStaff,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  STAFF_ROLES,
  sha256,
  USERNAME_PATTERN,
  USERNAME_RULE,
  updateStaff,
} from "../../services/staff-auth.js";
import { STAFF_COOKIE, type StaffVariables, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

const StaffMember = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string().nullable(),
    role: z.string().openapi({ example: "staff", description: "owner | staff" }),
    telegramUserId: z.number().nullable(),
    createdAt: z.string(),
  })
  .openapi("StaffMember");

const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);
const DisplayName = z.string().trim().min(1).max(80);
const TelegramUserId = z
  .number()
  .int("must be a whole number (a Telegram user id)")
  .positive("must be a positive whole number (a Telegram user id)")
  .max(Number.MAX_SAFE_INTEGER)
  .openapi({
    example: 123456789,
    description: "Numeric Telegram user id (replies in the staff chat are signed by this account)",
  });

const NewStaffBody = z
  .object({
    username: z.string().trim().regex(USERNAME_PATTERN, USERNAME_RULE).openapi({ example: "anna" }),
    displayName: DisplayName.nullable().optional(),
    role: z.enum(STAFF_ROLES).default("staff"),
    password: Password,
    telegramUserId: TelegramUserId.nullable().optional(),
  })
  .strict()
  .openapi("NewStaffMember");

const StaffPatchBody = z
  .object({
    displayName: DisplayName.nullable(),
    role: z.enum(STAFF_ROLES),
    telegramUserId: TelegramUserId.nullable(),
    password: Password.openapi({ description: "A new password (owner reset): their sessions end" }),
  })
  .partial()
  .strict()
  .openapi("StaffMemberPatch");

const PasswordChangeBody = z
  .object({ currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH), newPassword: Password })
  .strict()
  .openapi("PasswordChange");

const idParam = z.object({ id: z.uuid() });
const errors = {
  400: jsonContent(ErrorSchema, "Invalid input (the field is named)"),
  401: jsonContent(ErrorSchema, "Staff sign-in required"),
};
const ownerErrors = { ...errors, 403: jsonContent(ErrorSchema, "Only an owner may do this") };

const route = <M extends "get" | "post" | "patch" | "delete", P extends string>(
  method: M,
  path: P,
  summary: string,
) => ({ method, path, summary, tags: ["admin"], security: staffSecurity });

/** The session cookie's hash: the caller's own session survives their password change. */
function callerTokenHash(c: Parameters<MiddlewareHandler>[0]): string | undefined {
  if (c.req.header("authorization") !== undefined) return undefined;
  const token = getCookie(c, STAFF_COOKIE);
  return token ? sha256(token) : undefined;
}

export function staffAdminRoutes(deps: Deps) {
  const ownerOnly: MiddlewareHandler<{ Variables: StaffVariables }> = async function ownerOnly(c, next) {
    if (!(await isOwner(deps.db, c.get("staff"))))
      throw new AppError("FORBIDDEN", "Only an owner can add, change or delete staff accounts");
    await next();
  };

  const list = createRoute({
    ...route("get", "/", "Staff accounts (for assigning orders and the Staff page)"),
    responses: {
      200: jsonContent(z.object({ staff: z.array(StaffMember) }), "Every staff account, oldest first"),
      401: errors[401],
    },
  });
  const create = createRoute({
    ...route("post", "/", "Add a staff account (owner only)"),
    middleware: [ownerOnly] as const,
    request: { body: { required: true, content: { "application/json": { schema: NewStaffBody } } } },
    responses: {
      201: jsonContent(StaffMember, "The new account (never the password)"),
      ...ownerErrors,
      409: jsonContent(ErrorSchema, "The username (or Telegram user id) is taken"),
    },
  });
  const patch = createRoute({
    ...route(
      "patch",
      "/{id}",
      "Change a staff account: name, role, Telegram id, or reset the password (owner only)",
    ),
    middleware: [ownerOnly] as const,
    request: {
      params: idParam,
      body: { required: true, content: { "application/json": { schema: StaffPatchBody } } },
    },
    responses: {
      200: jsonContent(StaffMember, "The account"),
      ...ownerErrors,
      404: jsonContent(ErrorSchema, "No such staff account"),
      409: jsonContent(ErrorSchema, "Would leave no owner, demote admin, or the Telegram id is taken"),
    },
  });
  const del = createRoute({
    ...route(
      "delete",
      "/{id}",
      "Delete a staff account (owner only): their sessions end, their orders become unassigned",
    ),
    middleware: [ownerOnly] as const,
    request: { params: idParam },
    responses: {
      200: jsonContent(
        z.object({ deleted: z.literal(true), unassignedOrders: z.number() }),
        "Deleted; how many orders were unassigned",
      ),
      ...ownerErrors,
      404: jsonContent(ErrorSchema, "No such staff account"),
      409: jsonContent(ErrorSchema, "The last owner, or the built-in admin account"),
    },
  });
  const password = createRoute({
    ...route("post", "/me/password", "Change your own password (the current one is required)"),
    request: {
      body: { required: true, content: { "application/json": { schema: PasswordChangeBody } } },
    },
    responses: {
      200: jsonContent(
        z.object({ ok: z.literal(true), revokedSessions: z.number() }),
        "Changed; your other sessions ended",
      ),
      ...errors,
      429: jsonContent(ErrorSchema, "Too many wrong current passwords"),
    },
  });

  return newRouter<{ Variables: StaffVariables }>()
    .openapi(list, async (c) => c.json({ staff: await listStaff(deps.db) }, 200))
    .openapi(create, async (c) => c.json(await createStaff(deps.db, c.req.valid("json")), 201))
    .openapi(patch, async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      const caller = c.get("staff");
      // Your own password needs the current one, even for an owner: POST /me/password.
      if (body.password !== undefined && caller.via === "session" && caller.id === id)
        throw AppError.validation(
          "password",
          "to change your own password use POST /api/admin/staff/me/password (current password required)",
        );
      return c.json(await updateStaff(deps, id, body, { keepTokenHash: callerTokenHash(c) }), 200);
    })
    .openapi(del, async (c) => {
      const { unassignedOrders } = await deleteStaff(deps, c.req.valid("param").id);
      return c.json({ deleted: true as const, unassignedOrders }, 200);
    })
    .openapi(password, async (c) => {
      const { revokedSessions } = await changeOwnPassword(deps, c.get("staff").id, c.req.valid("json"), {
        keepTokenHash: callerTokenHash(c),
      });
      return c.json({ ok: true as const, revokedSessions }, 200);
    });
}
