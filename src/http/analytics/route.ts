/** GET /api/analytics?metric=…: the owner's numbers (staff only; shapes of seed 000). */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import * as analytics from "../../services/analytics.js";
import { requireStaff, type StaffVariables, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

export const METRICS = [
  "today",
  "top-products",
  "user-engagement",
  "ai-performance",
  "funnel",
  "daily",
  "all",
] as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2025-01-31")
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    "is not a real date",
  );

const intParam = (min: number, max: number, def: number) =>
  z.coerce.number().int(`must be a whole number`).min(min).max(max).default(def);

export const AnalyticsQuery = z
  .object({
    metric: z.enum(METRICS).default("all"),
    daysBack: intParam(1, 365, 7).openapi({ description: "top-products: days to look back" }),
    limit: intParam(1, 100, 10).openapi({ description: "top-products: how many" }),
    days: intParam(1, 366, 30).openapi({ description: "daily: how many days, ending today" }),
    startDate: isoDate
      .optional()
      .openapi({ description: "funnel: first shop-local day (default: 6 days before endDate)" }),
    endDate: isoDate.optional().openapi({ description: "funnel: last shop-local day (default: today)" }),
  })
  .refine((v) => !v.startDate || !v.endDate || v.startDate <= v.endDate, {
    path: ["startDate"],
    message: "must not be after endDate",
  })
  .refine(
    (v) => !v.startDate || !v.endDate || Date.parse(v.endDate) - Date.parse(v.startDate) <= 366 * 86_400_000,
    { path: ["endDate"], message: "the range must be at most 366 days" },
  );

const route = createRoute({
  method: "get",
  path: "/",
  tags: ["analytics"],
  summary: "Shop metrics: today, top products, engagement, AI performance, funnel, daily series, or all",
  security: staffSecurity,
  request: { query: AnalyticsQuery },
  responses: {
    200: jsonContent(z.record(z.string(), z.unknown()).openapi("AnalyticsResult"), "The metric (see docs)"),
    400: jsonContent(ErrorSchema, "A query parameter is invalid (the field is named)"),
    401: jsonContent(ErrorSchema, "Staff sign-in required"),
  },
});

export function analyticsRoutes(deps: Deps) {
  const r = newRouter<{ Variables: StaffVariables }>();
  r.use("*", requireStaff(deps));
  return r.openapi(route, async (c) => {
    const p = c.req.valid("query");
    switch (p.metric) {
      case "today":
        return c.json({ today: await analytics.getTodayMetrics(deps) }, 200);
      case "top-products":
        return c.json(
          { topProducts: await analytics.getTopProducts(deps, { daysBack: p.daysBack, limit: p.limit }) },
          200,
        );
      case "user-engagement":
        return c.json({ userEngagement: await analytics.getUserEngagement(deps) }, 200);
      case "ai-performance":
        return c.json({ aiPerformance: await analytics.getAiPerformance(deps) }, 200);
      case "funnel":
        return c.json(
          {
            funnel: await analytics.getConversionFunnel(deps, { startDate: p.startDate, endDate: p.endDate }),
          },
          200,
        );
      case "daily":
        return c.json({ daily: await analytics.getDailyRevenue(deps, p.days) }, 200);
      case "all":
        return c.json(await analytics.getAllMetrics(deps), 200);
      default:
        throw AppError.validation("metric", "unknown metric");
    }
  });
}
