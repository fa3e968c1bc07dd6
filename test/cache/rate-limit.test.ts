/** Rate limits: 429 + Retry-After, per customer and per IP, trusted proxies only, and still enforced with Redis down. */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "../../src/cache/index.js";
import { consumeRateLimit } from "../../src/cache/rate-limit.js";
import type { Deps } from "../../src/deps.js";
import { rateLimit } from "../../src/http/middleware/rate-limit.js";
import { createTestApp, createTestDeps, testConfig } from "../helpers/app.js";
import { PrivateRedis } from "./redis-server.js";
import { dropNamespace, quietLogger, REDIS_URL, uniqueNamespace } from "./support.js";

describe("rate limits over the shared Redis", () => {
  const namespace = uniqueNamespace("rl");
  afterAll(() => dropNamespace(namespace));

  it("refuses the 4th of 3 allowed, keys it rate_limit:… in Redis, and shares the count across instances", async () => {
    const config = testConfig({ REDIS_URL, REDIS_KEY_PREFIX: namespace, RATE_LIMIT_PER_MINUTE: "3" });
    const a = await createCache(config, quietLogger);
    const b = await createCache(config, quietLogger);
    try {
      const depsA = { cache: a, config };
      const depsB = { cache: b, config };
      expect((await consumeRateLimit(depsA, "telegram:42")).allowed).toBe(true);
      expect((await consumeRateLimit(depsB, "telegram:42")).allowed).toBe(true);
      expect((await consumeRateLimit(depsA, "telegram:42")).remaining).toBe(0);
      const refused = await consumeRateLimit(depsB, "telegram:42");
      expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(await a.l2Driver?.get(`${namespace}rate_limit:telegram:42`)).toBe("4");
      expect((await consumeRateLimit(depsA, "telegram:43")).allowed).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("rate limits with Redis killed", () => {
  const redis = new PrivateRedis(6390 + ((process.pid + 25) % 100));
  beforeAll(() => redis.start());
  afterAll(() => redis.kill());

  it("still enforces the limit per instance from memory", async () => {
    const config = testConfig({
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: uniqueNamespace("rlk"),
      RATE_LIMIT_PER_MINUTE: "5",
    });
    const cache = await createCache(config, quietLogger);
    try {
      const deps = { cache, config };
      expect((await consumeRateLimit(deps, "customer:u1")).allowed).toBe(true);
      await redis.kill();
      const results = [];
      for (let i = 0; i < 8; i++) results.push((await consumeRateLimit(deps, "customer:u1")).allowed);
      expect(results.filter(Boolean).length).toBeLessThanOrEqual(5);
      expect(results.at(-1)).toBe(false);
    } finally {
      await cache.close();
    }
  });
});

describe("rateLimit middleware", () => {
  describe("on the chat API", () => {
    let t: Awaited<ReturnType<typeof createTestApp>>;
    // Building an app (a fresh database) is the slow part on a busy machine: do it in the hook.
    beforeAll(async () => {
      t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: "2" } });
    });
    afterAll(() => t.close());

    it("answers 429 RATE_LIMITED with Retry-After once a customer is over the limit", async () => {
      const send = () =>
        t.app.request("/api/agent/chat", {
          method: "POST",
          body: "{}",
          headers: { "content-type": "application/json" },
        });
      expect((await send()).status).not.toBe(429);
      expect((await send()).status).not.toBe(429);
      const res = await send();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await res.json()).error.code).toBe("RATE_LIMITED");
    });
  });

  describe("client address over a real socket", () => {
    async function serveWith(trusted: string) {
      const deps = await createTestDeps({
        env: { TRUSTED_PROXIES: trusted, RATE_LIMIT_PER_IP_PER_MINUTE: "2" },
      });
      const app = new Hono().use(rateLimit(deps as Deps, { scope: "ip" })).get("/", (c) => c.text("ok"));
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
      await new Promise<void>((r) => server.once("listening", () => r()));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const hit = (xff: string) => fetch(url, { headers: { "x-forwarded-for": xff } }).then((r) => r.status);
      return {
        hit,
        async close() {
          server.close();
          await deps.close();
        },
      };
    }

    let untrusted: Awaited<ReturnType<typeof serveWith>>;
    let trusted: Awaited<ReturnType<typeof serveWith>>;
    beforeAll(async () => {
      untrusted = await serveWith("");
      trusted = await serveWith("127.0.0.1,::ffff:127.0.0.1");
    });
    afterAll(async () => {
      await untrusted.close();
      await trusted.close();
    });

    it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
      const s = untrusted;
      expect([await s.hit("1.1.1.1"), await s.hit("2.2.2.2"), await s.hit("3.3.3.3")]).toEqual([
        200, 200, 429,
      ]);
    });

    it("believes X-Forwarded-For from a trusted proxy, limiting each client separately", async () => {
      const s = trusted;
      expect([await s.hit("1.1.1.1"), await s.hit("1.1.1.1"), await s.hit("1.1.1.1")]).toEqual([
        200, 200, 429,
      ]);
      expect(await s.hit("2.2.2.2")).toBe(200);
    });
  });
});
