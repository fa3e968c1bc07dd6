/** Schemas shared by route files for the OpenAPI document. */
import { z } from "@hono/zod-openapi";

/** Every error response: `{error:{code, message, details?}}`. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "VALIDATION_FAILED" }),
      message: z.string().openapi({ example: "password: Too small" }),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

/** `{description, content: application/json}` for createRoute responses. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

/**
 * The instants a date or time parameter may name: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
 * Both ends matter: PostgreSQL has no year 0000 (JS Date does, and would send it), and a JS Date
 * past 9999 prints as `+010000-…`, which PostgreSQL cannot read. Checking the instant (not the
 * written year) also catches `0001-01-01T00:00:00+01:00`, which is in year 0000 in UTC.
 */
const EARLIEST_TIME = Date.UTC(1970, 0, 1);
const LATEST_TIME = Date.UTC(10000, 0, 1) - 1;
export const EARLIEST_DATE = "1970-01-01";
export const LATEST_DATE = "9999-12-31";

/** Only when the format check passed: one clear message per bad value. */
const formatPassed = { when: (p: { issues: readonly unknown[] }) => p.issues.length === 0 };

/** An ISO 8601 date-time with a zone (`Z` or `±hh:mm`) inside the range both databases and JS handle. */
export const IsoDateTime = z.iso
  .datetime({ offset: true })
  .refine(
    (s) => {
      const t = Date.parse(s);
      return t >= EARLIEST_TIME && t <= LATEST_TIME;
    },
    { ...formatPassed, message: `must be between ${EARLIEST_DATE}T00:00:00Z and ${LATEST_DATE}T23:59:59Z` },
  )
  .openapi({ format: "date-time", example: "2025-01-31T09:00:00Z" });

/** A calendar date `YYYY-MM-DD` that exists, from 1970-01-01 to 9999-12-31. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2025-01-31")
  .refine(
    (s) => {
      const t = Date.parse(`${s}T00:00:00Z`);
      return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s);
    },
    {
      ...formatPassed,
      message: "is not a real date",
    },
  )
  .refine((s) => s >= EARLIEST_DATE && s <= LATEST_DATE, {
    ...formatPassed,
    message: `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`,
  })
  .openapi({ format: "date", example: "2025-01-31" });

/**
 * A phone number as people write it (+, digits, spaces, brackets, dots, dashes) with 8 to 15
 * digits, the rule the assistant's order fields use too (src/agent/fields.ts).
 */
export const PhoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[\d\s().-]{8,30}$/, "must be a phone number")
  .refine((s) => {
    const digits = s.replace(/\D/g, "").length;
    return digits >= 8 && digits <= 15;
  }, "must be a phone number with 8 to 15 digits");
