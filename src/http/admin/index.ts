/**
 * Every staff-only API lives under /api/admin, behind one `requireStaff` on "*": a route added
 * here cannot be left unprotected. To add an area, build its router (newRouter, createRoute with
 * `security: staffSecurity`) and mount it below with one line:
 *
 *   admin.route("/customers", customerAdminRoutes(deps));
 *
 * Sub-routers must be complete when mounted: the OpenAPI registry is copied at mount time.
 * Handlers read the caller from `c.get("staff")` (type StaffVariables).
 */
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { requireStaff, type StaffVariables } from "../middleware/staff.js";
import { orderAdminRoutes } from "../orders/admin.js";
import { takeoverAdminRoutes } from "../takeover/admin.js";
import { catalogAdminRoutes } from "./catalog-import.js";
import { conversationAdminRoutes } from "./conversations.js";
import { customerAdminRoutes } from "./customers.js";
import { settingsAdminRoutes } from "./settings.js";
import { staffAdminRoutes } from "./staff.js";
import { traceAdminRoutes } from "./traces.js";

export function adminRoutes(deps: Deps) {
  const admin = newRouter<{ Variables: StaffVariables }>();
  admin.use("*", requireStaff(deps));
  admin.route("/catalog", catalogAdminRoutes(deps));
  admin.route("/settings", settingsAdminRoutes(deps));
  admin.route("/staff", staffAdminRoutes(deps));
  admin.route("/orders", orderAdminRoutes(deps));
  admin.route("/conversations", takeoverAdminRoutes(deps));
  admin.route("/customers", customerAdminRoutes(deps));
  admin.route("/conversations", conversationAdminRoutes(deps));
  admin.route("/traces", traceAdminRoutes(deps));
  return admin;
}
