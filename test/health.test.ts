/**
 * /api/health: every component (database, cache tiers, model, Telegram, registered checks), the
 * overall status (only the database takes the service down), and error texts for staff only.
 * The remote model is a fake OpenAI-compatible server, up and then closed; the bot talks to the
 * fake Bot API server.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { modelHealth } from "../src/agent/models/index.js";
import { createApp } from "../src/app.js";
import { createCache } from "../src/cache/index.js";
import { TelegramChannel } from "../src/channels/telegram/channel.js";
import type { TurnRunner } from "../src/channels/telegram/types.js";
import type { Deps } from "../src/deps.js";
import { timed } from "../src/services/health.js";
import { type FakeLlm, startFakeLlm } from "./fakes/llm.js";
import { FAKE_BOT_TOKEN, FakeTelegram } from "./fakes/telegram.js";
import { createTestDeps, staffAuth, testConfig } from "./helpers/app.js";

interface Component {
  status: string;
  latencyMs?: number;
  detail?: string;
  error?: string;
  provider?: string;
  mode?: string;
  running?: boolean;
}
interface Health {
  status: string;
  uptimeSeconds: number;
  components: Record<string, Component>;
}

type TestDeps = Awaited<ReturnType<typeof createTestDeps>>;
interface App {
  app: ReturnType<typeof createApp>;
  deps: Deps;
}

// One database for the file; each case gets its own config (and cache, when it names one).
let base: TestDeps;
beforeAll(async () => {
  base = await createTestDeps();
});
afterAll(async () => {
  await base.close();
});
const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function app(env: Record<string, string | undefined> = {}): Promise<App> {
  const config = testConfig(env);
  const ownCache = "REDIS_URL" in env || "UPSTASH_REDIS_REST_URL" in env;
  const cache = ownCache ? await createCache(config, base.logger) : base.cache;
  if (ownCache) opened.push(cache);
  const deps: Deps = { ...base, config, cache, healthChecks: [], telegram: undefined };
  return { app: createApp(deps), deps };
}

async function health(t: App, staff = false): Promise<{ code: number; body: Health; text: string }> {
  const res = await t.app.request("/api/health", staff ? { headers: staffAuth } : {});
  const text = await res.text();
  return { code: res.status, body: JSON.parse(text) as Health, text };
}

/** A one-route HTTP server standing in for a model server that refuses the key, or hangs. */
async function server(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; close(): Promise<void> }> {
  const s: Server = createServer(handler);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`;
  return {
    url,
    close: () =>
      new Promise<void>((r) => {
        s.closeAllConnections();
        s.close(() => r());
      }),
  };
}

describe("/api/health components", () => {
  it("reports the database, the memory cache and the offline model, all up", async () => {
    const t = await app();
    const { code, body, text } = await health(t);
    expect(code).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.components.database).toMatchObject({ status: "up", latencyMs: expect.any(Number) });
    expect(body.components["cache.memory"]).toEqual({ status: "up" });
    expect(body.components.model).toEqual({ status: "up", provider: "offline" });
    expect(body.components.telegram).toBeUndefined();
    expect(text).not.toContain("detail");
    if (process.env.REDIS_URL) {
      expect(body.components["cache.redis"]).toMatchObject({ status: "up", latencyMs: expect.any(Number) });
    } else {
      expect(body.components["cache.redis"]).toBeUndefined();
    }
    const staff = await health(t, true);
    expect(staff.body.components.model?.detail).toBe("built-in offline assistant");
  });

  it("a configured Redis that does not answer is cache.redis down: degraded, still 200", async () => {
    const t = await app({ REDIS_URL: "redis://127.0.0.1:1" });
    const { code, body, text } = await health(t);
    expect(code).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.components["cache.redis"]?.status).toBe("down");
    expect(body.components["cache.memory"]?.status).toBe("up");
    expect(text).not.toContain("not connected");
    const staff = await health(t, true);
    expect(staff.body.components["cache.redis"]?.error).toMatch(
      /not connected; the cache serves from memory/,
    );
  });

  it("an Upstash that refuses is cache.upstash down, with its error for staff only", async () => {
    const t = await app({
      REDIS_URL: undefined,
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
      UPSTASH_REDIS_REST_TOKEN: "token",
    });
    const { code, body } = await health(t);
    expect(code).toBe(200);
    expect(body.status).toBe("degraded");
    expect(body.components["cache.upstash"]).toMatchObject({ status: "down", latencyMs: expect.any(Number) });
    expect(body.components["cache.upstash"]?.error).toBeUndefined();
    expect((await health(t, true)).body.components["cache.upstash"]?.error).toBeTruthy();
  });

  it("only a critical part takes the service down (503); a registered check that throws is down", async () => {
    const t = await app();
    t.deps.healthChecks.push({ name: "queue", check: () => Promise.reject(new Error("boom at 10.1.2.3")) });
    let r = await health(t);
    expect(r.code).toBe(200);
    expect(r.body.status).toBe("degraded");
    expect(r.body.components.queue).toEqual({ status: "down" });
    expect((await health(t, true)).body.components.queue?.error).toBe("boom at 10.1.2.3");
    t.deps.healthChecks.push({
      name: "ledger",
      critical: true,
      check: () => timed(() => Promise.reject(new Error("ledger gone"))),
    });
    r = await health(t);
    expect(r.code).toBe(503);
    expect(r.body.status).toBe("down");
    expect(r.text).not.toContain("ledger gone");
  });

  it("a degraded part makes the whole degraded", async () => {
    const t = await app();
    t.deps.healthChecks.push({ name: "queue", check: async () => ({ status: "degraded", error: "slow" }) });
    const r = await health(t);
    expect(r.body.status).toBe("degraded");
    expect(r.body.components.queue).toEqual({ status: "degraded" });
  });
});

describe("/api/health: a remote model", () => {
  let llm: FakeLlm;
  beforeAll(async () => {
    llm = await startFakeLlm();
  });
  afterAll(async () => {
    await llm.close();
  });

  it("probes <base URL>/models once per 30 s (no chat call), up; closed: degraded, not down", async () => {
    const env = { LLM_BASE_URL: llm.url, LLM_MODEL: "fake-model" };
    const t = await app(env);
    const up = await health(t, true);
    expect(up.code).toBe(200);
    expect(up.body.status).toBe("ok");
    expect(up.body.components.model).toMatchObject({
      status: "up",
      provider: "compatible",
      latencyMs: expect.any(Number),
    });
    expect(up.body.components.model?.detail).toContain(`${llm.url}/models`);
    expect(up.body.components.model?.detail).toContain("fake-model");
    // Anonymous: no model name or URL.
    const anon = await health(t);
    expect(anon.body.components.model).toEqual({
      status: "up",
      provider: "compatible",
      latencyMs: expect.any(Number),
    });
    expect(anon.text).not.toContain("127.0.0.1");
    expect(llm.requests).toHaveLength(0);

    await llm.close();
    // Within 30 s the last probe stands (health checks do not hammer the model server)...
    expect((await health(t)).body.components.model?.status).toBe("up");
    // ...and a fresh probe of the closed server says it is unreachable.
    const probe = await modelHealth(t.deps.config, { ttlMs: 0 });
    expect(probe).toMatchObject({ status: "degraded", provider: "compatible" });
    expect(probe.error).toMatch(/unreachable \(ECONNREFUSED\); answers come from the offline assistant/);

    const closed = await app(env);
    const down = await health(closed);
    expect(down.code).toBe(200);
    expect(down.body.status).toBe("degraded");
    expect(down.body.components.model).toEqual({
      status: "degraded",
      provider: "compatible",
      latencyMs: expect.any(Number),
    });
    expect(down.body.components.database?.status).toBe("up");
    expect((await health(closed, true)).body.components.model?.error).toContain("unreachable");
  });

  it("a refused API key is degraded; so is a server that does not answer in time", async () => {
    const refusing = await server((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"error":{"message":"Incorrect API key"}}');
    });
    opened.push(refusing);
    const r = await modelHealth(
      testConfig({ LLM_BASE_URL: refusing.url, LLM_MODEL: "m", LLM_API_KEY: "sk-x" }),
    );
    expect(r).toMatchObject({ status: "degraded", error: expect.stringContaining("HTTP 401") });
    expect(r.error).not.toContain("sk-x");

    const hanging = await server(() => {});
    opened.push(hanging);
    const t0 = Date.now();
    const h = await modelHealth(testConfig({ LLM_BASE_URL: hanging.url, LLM_MODEL: "m" }), {
      timeoutMs: 200,
    });
    expect(h).toMatchObject({
      status: "degraded",
      error: expect.stringContaining("no answer within 200 ms"),
    });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("a server without a /models listing (404) is reachable: up", async () => {
    const bare = await server((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    opened.push(bare);
    const r = await modelHealth(testConfig({ LLM_BASE_URL: bare.url, LLM_MODEL: "m" }));
    expect(r).toMatchObject({ status: "up", provider: "compatible", latencyMs: expect.any(Number) });
  });
});

describe("/api/health: Telegram", () => {
  let fake: FakeTelegram;
  beforeAll(async () => {
    fake = await new FakeTelegram().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  const runTurn = (async () => {
    throw new Error("no turns in this test");
  }) as unknown as TurnRunner;

  async function bot(env: Record<string, string> = {}): Promise<App & { telegram: TelegramChannel }> {
    const t = await app({ TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_API_ROOT: fake.url, ...env });
    const telegram = new TelegramChannel(t.deps, { runTurn, pollTimeoutSeconds: 1 });
    t.deps.telegram = telegram;
    opened.push({ close: () => telegram.stop() });
    return { ...t, telegram };
  }

  it("not running in this process: disabled (does not change the overall status)", async () => {
    const t = await app({ TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_API_ROOT: fake.url });
    const r = await health(t);
    expect(r.body.components.telegram).toEqual({ status: "disabled" });
    expect(r.body.status).toBe("ok");
  });

  it("polling and running: up, with its mode", async () => {
    const b = await bot();
    await b.telegram.start();
    const r = await health(b);
    expect(r.body.components.telegram).toEqual({ status: "up", mode: "polling", running: true });
    expect(r.body.status).toBe("ok");
    expect((await health(b, true)).body.components.telegram?.detail).toBe("polling, @shop_test_bot");
  });

  it("webhook mode: up; a failing setWebhook leaves the bot not running: degraded", async () => {
    const env = { PUBLIC_URL: "https://shop.example.com", TELEGRAM_WEBHOOK_SECRET: "secret-for-tests-12345" };
    const ok = await bot(env);
    await ok.telegram.start();
    expect((await health(ok)).body.components.telegram).toEqual({
      status: "up",
      mode: "webhook",
      running: true,
    });

    const failing = await bot(env);
    fake.failNext("setWebhook", {
      status: 400,
      description: "Bad Request: bad webhook: Failed to resolve host",
    });
    await expect(failing.telegram.start()).rejects.toThrow();
    const r = await health(failing);
    expect(r.code).toBe(200);
    expect(r.body.status).toBe("degraded");
    expect(r.body.components.telegram).toEqual({ status: "degraded", mode: "webhook", running: false });
    const staff = await health(failing, true);
    expect(staff.body.components.telegram?.error).toMatch(/not running: .*Failed to resolve host/);
  });

  it("a failing getMe (bad token) is degraded, with the error for staff only", async () => {
    const b = await bot();
    fake.failNext("getMe", { status: 401, description: "Unauthorized" });
    await expect(b.telegram.start()).rejects.toThrow();
    const r = await health(b);
    expect(r.body.components.telegram).toEqual({ status: "degraded", mode: "polling", running: false });
    expect(r.text).not.toContain("Unauthorized");
    expect((await health(b, true)).body.components.telegram?.error).toContain("Unauthorized");
    expect((await health(b, true)).text).not.toContain(FAKE_BOT_TOKEN);
  });

  it("polling that keeps failing is degraded while it fails", async () => {
    const b = await bot();
    await b.telegram.start();
    fake.failNext("getUpdates", { status: 502, description: "Bad Gateway" }, 50);
    await expect
      .poll(async () => (await health(b)).body.components.telegram?.status, { timeout: 10_000 })
      .toBe("degraded");
    expect((await health(b, true)).body.components.telegram?.error).toMatch(/polling fails .*Bad Gateway/);
  });
});
