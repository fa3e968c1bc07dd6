/** GET /api/admin/staff: staff accounts (for assigning orders in the dashboard). */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { listStaff } from "../../services/staff-auth.js";
import { staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

const StaffMember = z
  .object({ id: z.string(), username: z.string(), displayName: z.string().nullable(), role: z.string() })
  .openapi("StaffMember");

const route = createRoute({
  method: "get",
  path: "/",
  tags: ["admin"],
  summary: "Staff accounts",
  security: staffSecurity,
  responses: {
    200: jsonContent(z.object({ staff: z.array(StaffMember) }), "Every staff account, oldest first"),
    401: jsonContent(ErrorSchema, "Staff sign-in required"),
  },
});

export function staffAdminRoutes(deps: Deps) {
  return newRouter().openapi(route, async (c) => c.json({ staff: await listStaff(deps.db) }, 200));
}
