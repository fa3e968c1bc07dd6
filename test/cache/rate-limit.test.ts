/** Rate limits: 429 + Retry-After, per customer and per IP, trusted proxies only, and still enforced with Redis down. */
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createCache } from "../../src/cache/index.js";
import { consumeRateLimit, consumeRateLimits } from "../../src/cache/rate-limit.js";
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

describe("the per-IP and per-customer limits in one middleware", () => {
  const namespace = uniqueNamespace("rl2");
  const config = testConfig({
    REDIS_URL,
    REDIS_KEY_PREFIX: namespace,
    RATE_LIMIT_PER_MINUTE: "2",
    RATE_LIMIT_PER_IP_PER_MINUTE: "4",
  });
  let deps: Deps;
  let raw: Redis;
  let monitor: Redis;
  const commands: string[][] = [];
  beforeAll(async () => {
    const cache = await createCache(config, quietLogger);
    deps = { cache, config, cookieSecret: "rl-cookie-secret-0123456789abcdef0123456789" } as unknown as Deps;
    raw = new Redis(REDIS_URL);
    await raw.ping();
    const mine = `:${raw.stream.localPort}`;
    monitor = await new Redis(REDIS_URL).monitor();
    // Other files share this Redis: this namespace's commands only, not those a script runs nor
    // this test's own reads.
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (source === "lua" || source.endsWith(mine)) return;
      if (args.some((x) => String(x).startsWith(namespace))) commands.push(args);
    });
  });
  afterAll(async () => {
    monitor.disconnect();
    raw.disconnect();
    await deps.cache.close();
    await dropNamespace(namespace);
  });

  it("counts both keys in Redis with one command per request, stopping at the first refusal", async () => {
    const app = new Hono()
      .use(rateLimit(deps, [{ scope: "ip" }, { scope: "customer" }]))
      .get("/", (c) => c.text("ok"));
    const id = `u_${crypto.randomUUID()}`;
    const signature = createHmac("sha256", deps.cookieSecret).update(id).digest("base64");
    const cookie = `sk_uid=${encodeURIComponent(`${id}.${signature}`)}`;
    const send = (headers: Record<string, string> = {}) => app.request("/", { headers });
    const counter = async (key: string) => {
      const [n, ttl] = await Promise.all([raw.get(namespace + key), raw.pttl(namespace + key)]);
      return { n: n === null ? null : Number(n), ttl };
    };

    // The customer's limit (2) speaks while the IP's (4) is not reached.
    const first = await send({ cookie });
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-limit")).toBe("2");
    expect(first.headers.get("ratelimit-remaining")).toBe("1");
    expect((await send({ cookie })).headers.get("ratelimit-remaining")).toBe("0");
    const refused = await send({ cookie });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("ratelimit-limit")).toBe("2");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");

    const ip = await counter("rate_limit:ip:unknown");
    const customer = await counter(`rate_limit:customer:${id}`);
    expect(ip.n).toBe(3);
    expect(customer.n).toBe(3);
    for (const { ttl } of [ip, customer]) {
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }

    // Without a (valid) cookie the customer is its address, under a key of its own.
    expect((await send()).status).toBe(200);
    expect((await counter("rate_limit:customer:ip:unknown")).n).toBe(1);
    // The IP is over its limit now: refused with the IP's headers, and the customer not counted.
    const overIp = await send({ cookie: "sk_uid=u_forged.signature" });
    expect(overIp.status).toBe(429);
    expect(overIp.headers.get("ratelimit-limit")).toBe("4");
    expect(overIp.headers.get("ratelimit-remaining")).toBe("0");
    expect((await counter("rate_limit:ip:unknown")).n).toBe(5);
    expect((await counter("rate_limit:customer:ip:unknown")).n).toBe(1);

    // Five requests, five Redis commands (the script; EVAL once if Redis did not know it yet).
    await vi.waitFor(() => expect(commands).toHaveLength(5));
    for (const c of commands) expect(["evalsha", "eval"]).toContain(c[0]?.toLowerCase());
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

  it("counts several limits in memory too, stopping at the first refusal", async () => {
    await redis.kill();
    const config = testConfig({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniqueNamespace("rlk2") });
    const cache = await createCache(config, quietLogger);
    try {
      const checks = [
        { key: "ip:10.0.0.1", rule: { points: 3 } },
        { key: "customer:u2", rule: { points: 5 } },
      ];
      const runs = [];
      for (let i = 0; i < 4; i++) runs.push(await consumeRateLimits({ cache }, checks));
      expect(runs.slice(0, 3).map((r) => r.map((x) => x.remaining))).toEqual([
        [2, 4],
        [1, 3],
        [0, 2],
      ]);
      // Refused by the first limit: the second is not counted.
      expect(runs[3]).toMatchObject([{ allowed: false, limit: 3, remaining: 0 }]);
      expect(await consumeRateLimit({ cache, config }, "customer:u2", { points: 5 })).toMatchObject({
        allowed: true,
        remaining: 1,
      });
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
