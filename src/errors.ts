/**
 * One error type for the whole app: a stable code, an internal message, a user-safe message and
 * the original cause. The HTTP status comes from the code, in one map.
 */
import type { ZodError } from "zod";

export const errorStatus = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Safe to show to a customer or staff member; the internal message may not be. */
  readonly userMessage: string;
  readonly details?: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { userMessage?: string; cause?: unknown; details?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.userMessage = opts.userMessage ?? message;
    this.details = opts.details;
  }

  get status(): number {
    return errorStatus[this.code];
  }

  static notFound(what: string): AppError {
    return new AppError("NOT_FOUND", `${what} not found`);
  }

  static validation(field: string, message: string): AppError {
    return new AppError("VALIDATION_FAILED", `${field}: ${message}`, { details: [{ field, message }] });
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/**
 * A zod failure as VALIDATION_FAILED: the message names the first problem's field, `details` has
 * one `{field, message}` per problem. An unknown key of a strict object is named itself (with
 * its parent's path), one detail per key: `foo: unknown field`, not `body: Unrecognized key "foo"`.
 */
export function zodToAppError(error: ZodError, where = "body"): AppError {
  const details = error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((key) => ({ field: [...i.path, key].join("."), message: "unknown field" }))
      : [{ field: i.path.join(".") || where, message: i.message }],
  );
  const first = details[0];
  return new AppError("VALIDATION_FAILED", `${first?.field ?? where}: ${first?.message ?? "invalid"}`, {
    details,
  });
}
