/** POST /api/admin/catalog/import: replace the catalog from CSV text or a CSV/Google Sheet URL. */
import { createRoute, z } from "@hono/zod-openapi";
import { newRouter } from "../../app.js";
import type { Deps } from "../../deps.js";
import { importMenuCsv, readMenuSource } from "../../services/menu-import.js";
import { staffSecurity } from "../middleware/staff.js";
import { ErrorSchema, jsonContent } from "../schemas.js";

const SOURCES = ["csv", "url"] as const;

/** Exactly one of `csv` or `url`; neither or both is a 400 naming both fields. */
const ImportBody = z
  .object({
    csv: z.string().min(1).optional().openapi({
      description: "The CSV text (give this or url)",
      example: "Name,Category,Type,THC,CBG,Price_1g,Price_5g,Price_20g,Our\n…",
    }),
    url: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
      .optional()
      .openapi({
        description: "An http(s) link to a CSV file or a Google Sheet (give this or csv)",
        example: "https://docs.google.com/spreadsheets/d/ID/export?format=csv",
      }),
  })
  .superRefine((body, ctx) => {
    const given = SOURCES.filter((k) => body[k] !== undefined);
    if (given.length === 1) return;
    const message =
      given.length === 0
        ? "exactly one of csv (the CSV text) or url (a link to a CSV file or Google Sheet) is required"
        : "exactly one of csv or url is required, not both";
    for (const field of SOURCES) ctx.addIssue({ code: "custom", path: [field], message });
  })
  .openapi("MenuImportRequest");

const Problem = z.object({ line: z.number(), field: z.string(), message: z.string() });
const ImportResponse = z
  .object({ imported: z.number(), errors: z.array(Problem) })
  .openapi("MenuImportResult");
const ImportFailed = z
  .object({ imported: z.literal(0), errors: z.array(Problem), error: ErrorSchema.shape.error })
  .openapi("MenuImportFailed");

const route = createRoute({
  method: "post",
  path: "/import",
  tags: ["admin"],
  summary: "Replace the catalog from CSV (all rows valid, or nothing is written)",
  security: staffSecurity,
  request: { body: { required: true, content: { "application/json": { schema: ImportBody } } } },
  responses: {
    200: jsonContent(ImportResponse, "The catalog was replaced"),
    400: jsonContent(ErrorSchema, "Neither csv nor url, or the URL could not be read"),
    401: jsonContent(ErrorSchema, "Staff sign-in required"),
    422: jsonContent(ImportFailed, "Some rows are invalid; nothing was imported"),
  },
});

export function catalogAdminRoutes(deps: Deps) {
  return newRouter().openapi(route, async (c) => {
    const body = c.req.valid("json");
    // The schema lets exactly one through, and a url only as http(s) (never a local path).
    const csv = body.url === undefined ? (body.csv as string) : await readMenuSource(body.url);
    const result = await importMenuCsv(deps, csv);
    if (result.errors.length === 0) return c.json(result, 200);
    const first = result.errors[0];
    const message = `${result.errors.length} problem(s), nothing was imported; first: line ${first?.line}, ${first?.field}: ${first?.message}`;
    return c.json(
      { imported: 0 as const, errors: result.errors, error: { code: "VALIDATION_FAILED", message } },
      422,
    );
  });
}
