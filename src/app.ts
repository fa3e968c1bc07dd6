/**
 * createApp(deps): middleware order, routes and error handling, in one place.
 * Order: request id → access log → body limit (64 KB on the API) → routes → 404 → onError.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Deps } from "./deps.js";
import { AppError, zodToAppError } from "./errors.js";
import { adminRoutes } from "./http/admin/index.js";
import { analyticsRoutes } from "./http/analytics/route.js";
import { authRoutes } from "./http/auth/route.js";
import { cacheRoutes } from "./http/cache/route.js";
import { catalogRoutes } from "./http/catalog/route.js";
import { chatRoutes } from "./http/chat/route.js";
import { docsRoutes } from "./http/docs/route.js";
import { createErrorHandler, errorBody } from "./http/errors.js";
import { eventRoutes } from "./http/events/route.js";
import { healthRoutes } from "./http/health/route.js";
import { refuseNul } from "./http/input-text.js";
import { customerConversationRoutes, meRoutes } from "./http/me/route.js";
import { httpMetrics } from "./http/metrics/middleware.js";
import { metricsRoutes } from "./http/metrics/route.js";
import { bodyLimit } from "./http/middleware/body-limit.js";
import { rateLimit } from "./http/middleware/rate-limit.js";
import { type RequestIdVariables, requestId } from "./http/middleware/request-id.js";
import { registerStaffSecuritySchemes } from "./http/middleware/staff.js";
import { orderRoutes } from "./http/orders/route.js";
import { agentMessagesRoutes } from "./http/takeover/messages.js";
import { telegramRoutes } from "./http/telegram/route.js";
import { widgetCors } from "./http/web/cors.js";
import { webRoutes } from "./http/web/route.js";

export const API_BODY_LIMIT = 64 * 1024;

export type AppEnv = { Variables: RequestIdVariables };

/**
 * Turns zod validation failures of any route into our 400 naming the field; input zod accepted
 * is then refused (400, field named) if any of its strings holds a NUL, which PostgreSQL cannot
 * store. Routers mounted under one of these without a hook of their own inherit it.
 */
export function newRouter<E extends object = AppEnv>() {
  return new OpenAPIHono<E & AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw zodToAppError(result.error, result.target);
      refuseNul(result.data, result.target);
    },
  });
}

export function createApp(deps: Deps) {
  const app = newRouter();

  app.use(requestId());
  app.use(httpMetrics());
  app.use(async function accessLog(c, next) {
    const t0 = performance.now();
    await next();
    deps.logger.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - t0),
        requestId: c.get("requestId"),
      },
      "request",
    );
  });
  // Before the body limit so even its 413 carries CORS headers for an allowed embedding site.
  app.use("/api/*", widgetCors(deps.config.widgetOrigins));
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: API_BODY_LIMIT,
      onError: () => {
        throw new AppError("PAYLOAD_TOO_LARGE", `Request body is larger than ${API_BODY_LIMIT / 1024} KB`);
      },
    }),
  );

  // Seed 004: the chat API is limited per IP and per customer (429 + Retry-After).
  app.use("/api/agent/*", rateLimit(deps, [{ scope: "ip" }, { scope: "customer" }]));

  app.route("/api", healthRoutes(deps));
  app.route("/api/auth", authRoutes(deps));
  app.route("/api/admin", adminRoutes(deps));
  app.route("/api", docsRoutes());
  app.route("/api", catalogRoutes(deps));
  app.route("/api", chatRoutes(deps));
  app.route("/api", cacheRoutes(deps));
  app.route("/api/orders", orderRoutes(deps));
  app.route("/api/telegram", telegramRoutes(deps));
  app.route("/api/agent", agentMessagesRoutes(deps));
  app.route("/api/analytics", analyticsRoutes(deps));
  app.route("/api/events", eventRoutes(deps));
  app.route("/api/me", meRoutes(deps));
  app.route("/api/conversations", customerConversationRoutes(deps));
  app.route("/", metricsRoutes(deps));

  registerStaffSecuritySchemes(app.openAPIRegistry);
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Shopkeeper API", version: "0.1.0", description: "AI sales assistant for shops" },
  });

  // The web UI (shop page, /admin, /widget.js) comes after every API route and never matches /api/*.
  app.route("/", webRoutes());

  app.notFound((c) => c.json(errorBody("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(createErrorHandler(deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
