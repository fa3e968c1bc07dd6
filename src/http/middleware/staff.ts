/**
 * Staff identity: a session cookie (dashboard) or `Authorization: Bearer <ADMIN_TOKEN>` (scripts).
 * `requireStaff` answers 401 when neither is valid; `optionalStaff` only notes who is calling.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import { isAdminToken, ownerIdentity, type StaffIdentity, sessionStaff } from "../../services/staff-auth.js";

export const STAFF_COOKIE = "sk_staff";

export type StaffVariables = { staff: StaffIdentity };
export type OptionalStaffVariables = { staff?: StaffIdentity };

/** OpenAPI security requirement for staff routes: `security: staffSecurity` in createRoute. */
export const staffSecurity: Array<Record<string, string[]>> = [{ staffCookie: [] }, { bearerToken: [] }];

/** Declares the two staff security schemes in an OpenAPI registry (done once, in createApp). */
export function registerStaffSecuritySchemes(registry: OpenAPIHono["openAPIRegistry"]): void {
  registry.registerComponent("securitySchemes", "staffCookie", {
    type: "apiKey",
    in: "cookie",
    name: STAFF_COOKIE,
    description: "Dashboard session from POST /api/auth/login",
  });
  registry.registerComponent("securitySchemes", "bearerToken", {
    type: "http",
    scheme: "bearer",
    description: "ADMIN_TOKEN, for scripts",
  });
}

type StaffResolver = (c: Context) => Promise<StaffIdentity | undefined>;

function staffResolver(deps: Deps): StaffResolver {
  let owner: Promise<StaffIdentity> | undefined;
  const tokenIdentity = () => {
    owner ??= ownerIdentity(deps.db).catch((e) => {
      owner = undefined;
      throw e;
    });
    return owner;
  };
  return async (c) => {
    const auth = c.req.header("authorization");
    if (auth !== undefined) {
      // A presented but wrong bearer token never falls back to a cookie: scripts should fail loudly.
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      return m?.[1] && isAdminToken(m[1], deps.config.admin.token) ? tokenIdentity() : undefined;
    }
    const token = getCookie(c, STAFF_COOKIE);
    return token ? sessionStaff(deps, token) : undefined;
  };
}

export function requireStaff(deps: Deps): MiddlewareHandler<{ Variables: StaffVariables }> {
  const resolve = staffResolver(deps);
  return async function requireStaffMiddleware(c, next) {
    const staff = await resolve(c);
    if (!staff) throw new AppError("UNAUTHORIZED", "Staff sign-in required");
    c.set("staff", staff);
    await next();
  };
}

export function optionalStaff(deps: Deps): MiddlewareHandler<{ Variables: OptionalStaffVariables }> {
  const resolve = staffResolver(deps);
  return async function optionalStaffMiddleware(c, next) {
    const staff = await resolve(c);
    if (staff) c.set("staff", staff);
    await next();
  };
}
