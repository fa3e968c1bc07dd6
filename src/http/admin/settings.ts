/** GET/PUT /api/admin/settings: the shop's dynamic settings (name, hours, fee, greetings...). */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { getSettings, shopSettingsSchema, updateSettings } from "../../services/settings.js";
import { type StaffVariables, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

// Rebuilt from the shape: zod 4 gives `.openapi()` only to schemas created after
// @hono/zod-openapi loaded, and the service's schema may be created before that.
const Settings = z.object(shopSettingsSchema.shape).openapi("ShopSettings");
/** Any subset of the settings; unknown keys are refused so a typo is not silently dropped. */
const SettingsPatch = z.object(shopSettingsSchema.shape).partial().strict().openapi("ShopSettingsPatch");

const getRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["admin"],
  summary: "Current shop settings (defaults where never set)",
  security: staffSecurity,
  responses: {
    200: jsonContent(Settings, "The settings"),
    401: jsonContent(ErrorSchema, "Staff sign-in required"),
  },
});

const putRoute = createRoute({
  method: "put",
  path: "/",
  tags: ["admin"],
  summary: "Update some or all settings; returns the whole result",
  security: staffSecurity,
  request: { body: { required: true, content: { "application/json": { schema: SettingsPatch } } } },
  responses: {
    200: jsonContent(Settings, "The updated settings"),
    400: jsonContent(ErrorSchema, "A value is invalid (the field is named)"),
    401: jsonContent(ErrorSchema, "Staff sign-in required"),
  },
});

export function settingsAdminRoutes(deps: Deps) {
  return newRouter<{ Variables: StaffVariables }>()
    .openapi(getRoute, async (c) => c.json(await getSettings(deps), 200))
    .openapi(putRoute, async (c) => {
      const staff = c.get("staff");
      return c.json(await updateSettings(deps, c.req.valid("json"), staff.username), 200);
    });
}
