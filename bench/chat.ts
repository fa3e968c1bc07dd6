/**
 * Chat benchmark (`npm run bench -- chat`): the whole assistant pipeline over HTTP (POST
 * /api/agent/chat, SSE, cookie identity, lock, writes, cache) with the offline assistant on real
 * PostgreSQL + Redis, 50 concurrent conversations, next to a bare HTTP endpoint served by the
 * same stack in the same run. The load generator runs in a worker thread (its own event loop).
 * Uses DATABASE_URL / REDIS_URL, else the machine's 127.0.0.1 servers. BENCH_SECONDS (default
 * 10) and BENCH_CONCURRENCY (default 50) tune it.
 */
import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";
import { ensureSemanticIndex } from "../src/agent/semantic-cache.js";
import { createApp } from "../src/app.js";
import { createCache } from "../src/cache/index.js";
import { systemClock } from "../src/clock.js";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/client.js";
import { runMigrations } from "../src/db/migrate.js";
import type { Deps } from "../src/deps.js";
import { createLogger } from "../src/logger.js";
import { seedDemoCatalogIfEmpty } from "../src/services/catalog/index.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PG = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** One customer's cycle: recommendation, price, a general question, an order from start to "yes". */
const SCRIPT = [
  "Посоветуй что-то для расслабления",
  "How much is OG Kush?",
  "What are your opening hours?",
  "I want to order 20g of Gelato",
  "+66 81 234 5678",
  "Hilton Hotel room 12",
  "cash",
  "yes",
];

/** The load generator: plain node:http with keep-alive, in a worker thread. */
const LOAD = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { port, path, concurrency, seconds, script, chat } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function request(body, cookie) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data), ...(cookie ? { cookie } : {}) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode, text, cookie: res.headers["set-cookie"]?.[0]?.split(";")[0] }));
      });
    req.on("error", reject);
    req.end(data);
  });
}
async function client(deadline, lat) {
  let cookie, conversationId, i = 0, done = 0, errors = 0;
  while (performance.now() < deadline) {
    const t0 = performance.now();
    const body = chat ? { message: script[i++ % script.length], conversationId } : { ping: i++ };
    const r = await request(body, cookie);
    lat.push(performance.now() - t0);
    if (r.status !== 200 || (chat && !r.text.includes('"done":true')) || r.text.includes('"error"')) errors++;
    if (chat) {
      cookie = cookie ?? r.cookie;
      const m = r.text.match(/"conversationId":"([0-9a-f-]{36})"/);
      if (m) conversationId = m[1];
    }
    done++;
  }
  return { done, errors };
}
(async () => {
  const lat = [];
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const rs = await Promise.all(Array.from({ length: concurrency }, () => client(deadline, lat)));
  const elapsed = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))];
  parentPort.postMessage({
    requests: rs.reduce((s, r) => s + r.done, 0),
    errors: rs.reduce((s, r) => s + r.errors, 0),
    elapsed, p50: q(0.5), p95: q(0.95), p99: q(0.99),
  });
  agent.destroy();
})();
`;

interface LoadResult {
  requests: number;
  errors: number;
  elapsed: number;
  p50: number;
  p95: number;
  p99: number;
}

function load(port: number, path: string, chat: boolean, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD, {
      eval: true,
      workerData: { port, path, concurrency: CONCURRENCY, seconds, script: SCRIPT, chat },
    });
    w.once("message", (m: LoadResult) => {
      void w.terminate();
      resolve(m);
    });
    w.once("error", reject);
  });
}

async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sk_bench_chat_${process.pid}`;
  const admin = postgres(PG, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(PG);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(PG, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}

async function buildBenchDeps(dbUrl: string): Promise<Deps> {
  const config = loadConfig({
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    DATABASE_URL: dbUrl,
    REDIS_URL: REDIS,
    REDIS_KEY_PREFIX: `sk_bench_chat_${process.pid}:`,
    COOKIE_SECRET: "bench-cookie-secret-0123456789abcdef0123",
    // The bench is one IP and 50 customers sending as fast as they can: limits would only measure 429s.
    RATE_LIMIT_PER_MINUTE: "100000000",
    RATE_LIMIT_PER_IP_PER_MINUTE: "100000000",
  });
  const logger = createLogger("silent");
  const database = await openDatabase({ url: dbUrl, maxConnections: 20 });
  await runMigrations(database);
  await ensureSemanticIndex(database);
  const cache = await createCache(config, logger);
  const deps: Deps = {
    config,
    logger,
    database,
    db: database.db,
    cache,
    clock: systemClock,
    cookieSecret: config.cookieSecret!,
    healthChecks: [],
  };
  await seedDemoCatalogIfEmpty(deps);
  return deps;
}

function listen(
  fetch: (r: Request) => Response | Promise<Response>,
): Promise<{ port: number; close(): void }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve({ port: info.port, close: () => server.close() }),
    );
  });
}

const fmt = (n: number, d = 1) => n.toFixed(d);

export async function run(): Promise<void> {
  const db = await freshDatabase();
  const deps = await buildBenchDeps(db.url);
  const app = createApp(deps);
  const chat = await listen(app.fetch);
  // The bare endpoint: the same HTTP stack (node-server + Hono), no work behind it.
  const bareApp = new Hono().post("/bare", async (c) => c.json({ ok: true, echo: await c.req.json() }));
  const bare = await listen(bareApp.fetch);
  try {
    process.stdout.write(
      `chat bench: ${CONCURRENCY} concurrent conversations, ${SECONDS}s per run, offline assistant, PostgreSQL + Redis\n`,
    );
    await load(bare.port, "/bare", false, 2);
    await load(chat.port, "/api/agent/chat", true, 3); // warm-up: caches, JIT, connections
    const b = await load(bare.port, "/bare", false, SECONDS);
    const c = await load(chat.port, "/api/agent/chat", true, SECONDS);
    const bRps = b.requests / b.elapsed;
    const cRps = c.requests / c.elapsed;
    const rows = [
      ["", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"],
      ["bare HTTP", fmt(bRps, 0), fmt(b.p50, 2), fmt(b.p95, 2), fmt(b.p99, 2), String(b.errors)],
      ["chat turn", fmt(cRps, 0), fmt(c.p50, 2), fmt(c.p95, 2), fmt(c.p99, 2), String(c.errors)],
      [
        "chat / bare",
        `${fmt(cRps / bRps, 3)}×`,
        `${fmt(c.p50 / b.p50, 1)}×`,
        `${fmt(c.p95 / b.p95, 1)}×`,
        `${fmt(c.p99 / b.p99, 1)}×`,
        "",
      ],
    ];
    for (const r of rows)
      process.stdout.write(
        `${r[0]!.padEnd(12)}${r
          .slice(1)
          .map((x) => x.padStart(10))
          .join("")}\n`,
      );
    process.stdout.write(`\nturns/second: ${fmt(cRps, 0)} (goal 1000 on 2 cores) over ${c.requests} turns\n`);
  } finally {
    chat.close();
    bare.close();
    await deps.cache.clear().catch(() => {});
    await deps.cache.close();
    await deps.database.close();
    await db.drop();
  }
}
