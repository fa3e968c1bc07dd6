/** GET /api/analytics?metric=…: the owner's numbers (staff only; shapes of seed 000). */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { AppError } from "../../errors.js";
import * as analytics from "../../services/analytics.js";
import { getSettings } from "../../services/settings.js";
import { requireStaff, type StaffVariables, staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, IsoDate, jsonContent } from "../schemas.js";

export const METRICS = [
  "today",
  "top-products",
  "user-engagement",
  "ai-performance",
  "funnel",
  "daily",
  "all",
] as const;

const intParam = (min: number, max: number, def: number) =>
  z.coerce.number().int(`must be a whole number`).min(min).max(max).default(def);

export const AnalyticsQuery = z
  .object({
    metric: z.enum(METRICS).default("all"),
    daysBack: intParam(1, 365, 7).openapi({ description: "top-products: days to look back" }),
    limit: intParam(1, 100, 10).openapi({ description: "top-products: how many" }),
    days: intParam(1, 366, 30).openapi({ description: "daily: how many days, ending today" }),
    startDate: IsoDate.optional().openapi({
      description: "funnel: first shop-local day (default: 6 days before endDate)",
    }),
    endDate: IsoDate.optional().openapi({ description: "funnel: last shop-local day (default: today)" }),
  })
  .superRefine((v, ctx) => {
    if (!v.startDate || !v.endDate) return; // a defaulted end is checked in the handler (funnelRange)
    const problem = rangeProblem(v.startDate, v.endDate);
    if (problem) ctx.addIssue({ code: "custom", path: [problem.field], message: problem.message });
  });

const MAX_RANGE_DAYS = 366;

/** What is wrong with a funnel range, if anything: the start is after the end, or it is too long. */
function rangeProblem(startDate: string, endDate: string) {
  if (startDate > endDate) return { field: "startDate", message: "must not be after endDate" } as const;
  if (Date.parse(endDate) - Date.parse(startDate) > MAX_RANGE_DAYS * 86_400_000)
    return { field: "endDate", message: `the range must be at most ${MAX_RANGE_DAYS} days` } as const;
  return undefined;
}

/**
 * The funnel's days. With both given, the query schema has checked them. With only endDate, the
 * service's default start (6 days before it) is always in order. With only startDate, the end
 * is the shop-local today (as the service would default it), so the range is checked here and
 * the problem named after startDate, the parameter that was given.
 */
async function funnelRange(deps: Deps, given: { startDate?: string; endDate?: string }) {
  if (!given.startDate || given.endDate) return given;
  const { timeZone } = await getSettings(deps);
  const today = analytics.localDate(deps.clock.now(), timeZone);
  const problem = rangeProblem(given.startDate, today);
  if (problem) {
    const end = `endDate (default: today in the shop, ${today})`;
    throw AppError.validation(
      "startDate",
      problem.field === "startDate"
        ? `must not be after ${end}`
        : `the range from startDate to ${end} must be at most ${MAX_RANGE_DAYS} days`,
    );
  }
  return { startDate: given.startDate, endDate: today };
}

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
            funnel: await analytics.getConversionFunnel(deps, await funnelRange(deps, p)),
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
