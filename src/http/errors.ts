/**
 * The one place errors become HTTP responses: `{error:{code, message}}` with the status of the
 * code. Unknown errors are logged once here, with their cause, and answered as a generic 500.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { AppError, type ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";

export function errorBody(code: ErrorCode | string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function zodToAppError(error: ZodError, where = "body"): AppError {
  const first = error.issues[0];
  const field = first && first.path.length > 0 ? first.path.join(".") : where;
  const details = error.issues.map((i) => ({ field: i.path.join(".") || where, message: i.message }));
  return new AppError("VALIDATION_FAILED", `${field}: ${first?.message ?? "invalid"}`, { details });
}

export function createErrorHandler(logger: Logger) {
  return function onError(err: Error, c: Context) {
    if (err instanceof AppError) {
      if (err.status >= 500) logger.error({ err, cause: err.cause, path: c.req.path }, err.message);
      return c.json(errorBody(err.code, err.userMessage, err.details), err.status as ContentfulStatusCode);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code =
        status === 413
          ? "PAYLOAD_TOO_LARGE"
          : status === 400 && /malformed json/i.test(err.message)
            ? "INVALID_JSON"
            : status === 401
              ? "UNAUTHORIZED"
              : status === 404
                ? "NOT_FOUND"
                : status >= 500
                  ? "INTERNAL"
                  : "BAD_REQUEST";
      return c.json(errorBody(code, err.message || code), status as ContentfulStatusCode);
    }
    if (err instanceof SyntaxError) {
      return c.json(errorBody("INVALID_JSON", "Request body is not valid JSON"), 400);
    }
    logger.error({ err, path: c.req.path, requestId: c.get("requestId") }, "unhandled error");
    return c.json(errorBody("INTERNAL", "Something went wrong on our side"), 500);
  };
}
