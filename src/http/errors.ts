/**
 * The one place errors become HTTP responses: `{error:{code, message}}` with the status of the
 * code. Unknown errors are logged once here, with their cause, and answered as a generic 500.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, type ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";

export function errorBody(code: ErrorCode | string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The code of an HTTPException's status (thrown by Hono or a middleware, not by our code). */
const httpExceptionCodes: Partial<Record<number, ErrorCode>> = {
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE",
  429: "RATE_LIMITED",
  503: "UNAVAILABLE",
  504: "TIMEOUT",
};

export function createErrorHandler(logger: Logger) {
  return function onError(err: Error, c: Context) {
    if (err instanceof AppError) {
      if (err.status >= 500) logger.error({ err, cause: err.cause, path: c.req.path }, err.message);
      return c.json(errorBody(err.code, err.userMessage, err.details), err.status as ContentfulStatusCode);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code: ErrorCode =
        status === 400 && /malformed json/i.test(err.message)
          ? "INVALID_JSON"
          : (httpExceptionCodes[status] ?? (status >= 500 ? "INTERNAL" : "BAD_REQUEST"));
      if (code === "UNSUPPORTED_MEDIA_TYPE") {
        // Every request body here is JSON: say what was sent and what to send instead.
        const sent = c.req.header("content-type")?.split(";")[0]?.trim().slice(0, 100);
        const problem = sent
          ? `Content-Type ${sent} is not accepted`
          : "The request body has no Content-Type";
        return c.json(
          errorBody(code, `${problem}: send the body as JSON with Content-Type: application/json`),
          415,
        );
      }
      if (code === "METHOD_NOT_ALLOWED") {
        return c.json(errorBody(code, `${c.req.method} is not allowed on ${c.req.path}`), 405);
      }
      return c.json(errorBody(code, err.message || code), status as ContentfulStatusCode);
    }
    if (err instanceof SyntaxError) {
      return c.json(errorBody("INVALID_JSON", "Request body is not valid JSON"), 400);
    }
    logger.error({ err, path: c.req.path, requestId: c.get("requestId") }, "unhandled error");
    return c.json(errorBody("INTERNAL", "Something went wrong on our side"), 500);
  };
}
