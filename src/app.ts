/**
 * createApp(deps): middleware order, routes and error handling, in one place.
 * Order: request id → access log → body limit (64 KB on the API) → routes → 404 → onError.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { Deps } from "./deps.js";
import { AppError } from "./errors.js";
import { createErrorHandler, errorBody, zodToAppError } from "./http/errors.js";
import { healthRoutes } from "./http/health/route.js";
import { type RequestIdVariables, requestId } from "./http/middleware/request-id.js";

export const API_BODY_LIMIT = 64 * 1024;

export type AppEnv = { Variables: RequestIdVariables };

/** Turns zod validation failures of any route into our 400 naming the field. */
export function newRouter<E extends object = AppEnv>() {
  return new OpenAPIHono<E & AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw zodToAppError(result.error, result.target);
    },
  });
}

export function createApp(deps: Deps) {
  const app = newRouter();

  app.use(requestId());
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
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: API_BODY_LIMIT,
      onError: () => {
        throw new AppError("PAYLOAD_TOO_LARGE", `Request body is larger than ${API_BODY_LIMIT / 1024} KB`);
      },
    }),
  );

  app.route("/api", healthRoutes(deps));

  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Shopkeeper API", version: "0.1.0", description: "AI sales assistant for shops" },
  });

  app.notFound((c) => c.json(errorBody("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(createErrorHandler(deps.logger));
  return app;
}

export type App = ReturnType<typeof createApp>;
