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
