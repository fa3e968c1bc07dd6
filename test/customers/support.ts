/** Requests to a test app as a customer (their cookie) or as staff (the test ADMIN_TOKEN). */
import type { createTestApp } from "../helpers/app.js";
import { staffAuth } from "../helpers/app.js";

export type Json = Record<string, unknown>;
type App = Awaited<ReturnType<typeof createTestApp>>["app"];

export interface RequestInit {
  method?: string;
  cookie?: string;
  body?: unknown;
  staff?: boolean;
}

/** `req(path, init)`: status, parsed JSON body (null when none) and the response. */
export function requester(app: () => App) {
  return async function req(path: string, init: RequestInit = {}) {
    const headers: Record<string, string> = {};
    if (init.cookie) headers.cookie = init.cookie;
    if (init.staff) Object.assign(headers, staffAuth);
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const res = await app().request(path, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as Json, res };
  };
}
