import type { MiddlewareHandler } from "hono";

export type RequestIdVariables = { requestId: string };

const VALID = /^[A-Za-z0-9._-]{1,100}$/;

/** Gives every request an id (an incoming X-Request-Id is kept when well-formed) and echoes it back. */
export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header("x-request-id");
    const id = incoming && VALID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  };
}
