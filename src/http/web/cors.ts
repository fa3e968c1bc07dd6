/**
 * CORS for the embeddable widget. A page on another origin may call the customer API (chat,
 * catalog, orders, events) with the customer's cookie only when its origin is listed in
 * WIDGET_ORIGINS: echoing any origin with credentials would let every site read a customer's
 * orders. Staff routes never get CORS. Same-origin use (the demo page) needs none of this.
 */
import type { MiddlewareHandler } from "hono";

/** The customer-facing API paths the widget calls. */
export const WIDGET_API_PATHS = ["/api/agent/chat", "/api/catalog", "/api/orders", "/api/events"];

export function widgetCors(allowedOrigins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(allowedOrigins.map((o) => o.replace(/\/$/, "")));
  return async function widgetCorsMiddleware(c, next) {
    const origin = c.req.header("origin");
    const path = c.req.path;
    const applies = origin && WIDGET_API_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
    if (!applies || !allowed.has(origin)) {
      await next();
      return;
    }
    if (c.req.method === "OPTIONS") {
      return c.body(null, 204, {
        "access-control-allow-origin": origin,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": c.req.header("access-control-request-headers") ?? "content-type",
        "access-control-max-age": "600",
        vary: "Origin",
      });
    }
    await next();
    c.res.headers.set("access-control-allow-origin", origin);
    c.res.headers.set("access-control-allow-credentials", "true");
    c.res.headers.append("vary", "Origin");
  };
}
