/** Staff sign-in for the dashboard: login (session cookie), logout, and who am I. */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { attemptSignIn, SESSION_TTL_MS, signOut } from "../../services/staff-auth.js";
import { clientIp } from "../client-ip.js";
import { requireStaff, STAFF_COOKIE, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent as json } from "../schemas.js";

const LoginBody = z
  .object({
    username: z.string().trim().min(1).max(100).optional().openapi({ example: "admin" }),
    password: z.string().min(1).max(200),
  })
  .openapi("LoginRequest");

const StaffSchema = z
  .object({ id: z.string(), username: z.string(), via: z.enum(["session", "token"]) })
  .openapi("Staff");

const LoginResponse = z.object({ staff: StaffSchema, expiresAt: z.string() }).openapi("LoginResponse");

const loginRoute = createRoute({
  method: "post",
  path: "/login",
  tags: ["auth"],
  summary: "Staff sign-in with a password; sets the sk_staff session cookie (7 days)",
  request: { body: { required: true, content: { "application/json": { schema: LoginBody } } } },
  responses: {
    200: json(LoginResponse, "Signed in"),
    400: json(ErrorSchema, "Invalid body"),
    401: json(ErrorSchema, "Wrong username or password"),
    429: json(ErrorSchema, "Too many failed attempts from this address"),
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/logout",
  tags: ["auth"],
  summary: "Ends the current session for good (the same cookie is refused afterwards)",
  responses: { 200: json(z.object({ ok: z.literal(true) }), "Signed out") },
});

const meRoute = (deps: Deps) =>
  createRoute({
    method: "get",
    path: "/me",
    tags: ["auth"],
    summary: "The signed-in staff member",
    security: staffSecurity,
    middleware: [requireStaff(deps)] as const,
    responses: { 200: json(StaffSchema, "The staff member"), 401: json(ErrorSchema, "Not signed in") },
  });

function secureCookies(deps: Deps): boolean {
  return deps.config.http.publicUrl?.startsWith("https:") ?? false;
}

function setSessionCookie(c: Context, deps: Deps, token: string) {
  setCookie(c, STAFF_COOKIE, token, {
    httpOnly: true,
    // Lax keeps the cookie off cross-site POSTs, which is the CSRF protection for staff writes.
    sameSite: "Lax",
    secure: secureCookies(deps),
    path: "/",
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

export function authRoutes(deps: Deps) {
  const router = newRouter();

  router.openapi(loginRoute, async (c) => {
    const ip = clientIp(c, deps.config.http.trustedProxies);
    const { token, expiresAt, staff } = await attemptSignIn(deps, ip, c.req.valid("json"));
    setSessionCookie(c, deps, token);
    return c.json({ staff, expiresAt: expiresAt.toISOString() }, 200);
  });

  router.openapi(logoutRoute, async (c) => {
    const token = getCookie(c, STAFF_COOKIE);
    if (token) await signOut(deps, token);
    deleteCookie(c, STAFF_COOKIE, { path: "/", secure: secureCookies(deps) });
    return c.json({ ok: true as const }, 200);
  });

  router.openapi(meRoute(deps), (c) => c.json(c.get("staff"), 200));

  return router;
}
