/**
 * Chat benchmark (`npm run bench -- chat`): the whole assistant pipeline over HTTP (POST
 * /api/agent/chat, SSE, cookie identity, lock, writes, cache) with the offline assistant on real
 * PostgreSQL + Redis, 50 concurrent conversations, next to a bare HTTP endpoint served by the
 * same stack in the same run. The load generator is a separate process. Uses DATABASE_URL /
 * REDIS_URL, else the machine's 127.0.0.1 servers. Tuning: BENCH_SECONDS (default 10),
 * BENCH_WARMUP_SECONDS (default 15), BENCH_CONCURRENCY (default 50); BENCH_PROFILE=<file> writes
 * a CPU profile and BENCH_HEAP_PROFILE=<file> an allocation profile of the measured chat run;
 * BENCH_INSTANCES=2 serves the conversations from two server processes.
 */

import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { type AddressInfo, Socket } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import postgres from "postgres";
import { turnWriters } from "../src/agent/persist.js";
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
/**
 * Chat warm-up before measuring: caches, connections and V8's optimizing compiler settle. Traced
 * with --trace-opt: under this load V8 compiles ≈ 300 ms/s for the first 10 s and below 60 ms/s
 * only after ≈ 15 s, so a shorter warm-up bills start-up compilation to the measured run.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PG = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const INSTANCES = Math.max(1, Number(process.env.BENCH_INSTANCES ?? 1));

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

/**
 * The load generator: a minimal HTTP/1.1 keep-alive client on node:net, in a process of its own (not a worker
 * thread: V8's compiler and GC helper threads are per process, and the server's must be measured
 * alone). It reports its result and its own CPU time on stdout.
 */
const LOAD = `
const workerData = JSON.parse(process.env.BENCH_LOAD);
const net = require("node:net");
const { ports, path, concurrency, seconds, script, chat } = workerData;
let firstError;
// A minimal HTTP/1.1 keep-alive client, one connection per simulated customer: one write per
// request, the response read by Content-Length or chunked framing. node:http's client costs
// several times as much CPU per request, all of it taken from the server on this machine.
function connection(port) {
  const sock = net.connect({ host: "127.0.0.1", port });
  sock.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let waiting;
  const parse = () => {
    const he = buf.indexOf("\\r\\n\\r\\n");
    if (he < 0) return;
    const head = buf.toString("latin1", 0, he);
    const status = Number(head.slice(9, 12));
    let body, end;
    const cl = /\\r\\ncontent-length: *(\\d+)/i.exec(head);
    if (cl) {
      end = he + 4 + Number(cl[1]);
      if (buf.length < end) return;
      body = buf.toString("utf8", he + 4, end);
    } else if (/\\r\\ntransfer-encoding: *chunked/i.test(head)) {
      const parts = [];
      let p = he + 4;
      for (;;) {
        const le = buf.indexOf("\\r\\n", p);
        if (le < 0) return;
        const n = parseInt(buf.toString("latin1", p, le), 16);
        if (buf.length < le + 2 + n + 2) return;
        if (n === 0) { end = le + 4; break; }
        parts.push(buf.subarray(le + 2, le + 2 + n));
        p = le + 2 + n + 2;
      }
      body = Buffer.concat(parts).toString("utf8");
    } else {
      return waiting?.reject(new Error("response without length: " + head.slice(0, 200)));
    }
    buf = buf.subarray(end);
    const sc = /\\r\\nset-cookie: *([^;\\r\\n]*)/i.exec(head);
    const w = waiting;
    waiting = undefined;
    w?.resolve({ status, text: body, cookie: sc ? sc[1] : undefined });
  };
  sock.on("data", (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    if (waiting) parse();
  });
  sock.on("error", (e) => waiting?.reject(e));
  return {
    request(body, cookie) {
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        const data = JSON.stringify(body);
        sock.write("POST " + path + " HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: application/json\\r\\nContent-Length: " +
          Buffer.byteLength(data) + (cookie ? "\\r\\nCookie: " + cookie : "") + "\\r\\n\\r\\n" + data);
      });
    },
    close: () => sock.destroy(),
  };
}
async function client(port, deadline, lat) {
  let cookie, conversationId, i = 0, done = 0, errors = 0;
  const conn = connection(port);
  while (performance.now() < deadline) {
    const t0 = performance.now();
    const body = chat ? { message: script[i++ % script.length], conversationId } : { ping: i++ };
    const r = await conn.request(body, cookie);
    lat.push(performance.now() - t0);
    if (r.status !== 200 || (chat && !r.text.includes('"done":true')) || r.text.includes('"error"')) {
      errors++;
      firstError = firstError ?? r.status + " " + r.text.slice(-300);
    }
    if (chat) {
      cookie = cookie ?? r.cookie;
      const m = r.text.match(/"conversationId":"([0-9a-f-]{36})"/);
      if (m) conversationId = m[1];
    }
    done++;
  }
  conn.close();
  return { port, done, errors };
}
(async () => {
  const lat = [];
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  // Each conversation stays on one instance (any would do: the lock and caches are shared).
  const rs = await Promise.all(Array.from({ length: concurrency }, (_, k) => client(ports[k % ports.length], deadline, lat)));
  const byPort = {};
  for (const r of rs) byPort[r.port] = (byPort[r.port] ?? 0) + r.done;
  const elapsed = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))];
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({
    cpuMs: (cpu.user + cpu.system) / 1000,
    requests: rs.reduce((s, r) => s + r.done, 0),
    errors: rs.reduce((s, r) => s + r.errors, 0),
    elapsed, p50: q(0.5), p95: q(0.95), p99: q(0.99), byPort, firstError,
  }));
})();
`;

interface LoadResult {
  requests: number;
  errors: number;
  elapsed: number;
  p50: number;
  p95: number;
  p99: number;
  /** The status and end of the first failed response, if any. */
  firstError?: string;
  /** Requests served per port. */
  byPort: Record<string, number>;
  /** CPU time of the load generator process (ms). */
  cpuMs: number;
}

function load(ports: number[], path: string, chat: boolean, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", LOAD], {
      env: {
        ...process.env,
        BENCH_LOAD: JSON.stringify({ ports, path, concurrency: CONCURRENCY, seconds, script: SCRIPT, chat }),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      try {
        resolve(JSON.parse(out) as LoadResult);
      } catch {
        reject(new Error(`load generator exited with ${code}: ${out.slice(0, 300)}`));
      }
    });
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

export async function buildBenchDeps(dbUrl: string, keyPrefix: string): Promise<Deps> {
  const config = loadConfig({
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    DATABASE_URL: dbUrl,
    REDIS_URL: REDIS,
    // Every instance of one run shares the prefix: one cache, one lock space, one invalidation bus.
    REDIS_KEY_PREFIX: keyPrefix,
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

/** Another server process (bench/chat-instance.ts) over the same database and Redis. */
function startInstance(
  dbUrl: string,
  keyPrefix: string,
): Promise<{ port: number; pid: number; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", new URL("./chat-instance.ts", import.meta.url).pathname],
      {
        env: { ...process.env, BENCH_DB_URL: dbUrl, BENCH_KEY_PREFIX: keyPrefix },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), pid: child.pid!, stop: () => child.kill("SIGTERM") });
    });
    child.once("exit", (code) => reject(new Error(`bench instance exited with ${code}`)));
  });
}

/**
 * CPU time (ms, user + system) so far of this process's main thread (the server), of the whole
 * process (server + load generator thread), and of the local PostgreSQL and Redis processes.
 * Linux /proc only; zeros elsewhere.
 */
function cpuSnapshot(otherPids: number[] = []) {
  const tick = 1000 / 100; // USER_HZ
  const ticks = (statPath: string) => {
    try {
      const stat = readFileSync(statPath, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(f[11]) + Number(f[12])) * tick;
    } catch {
      return 0;
    }
  };
  // Threads of this process other than the main one, by id: V8's compiler and GC helpers.
  const helpers: Record<string, number> = {};
  try {
    for (const tid of readdirSync("/proc/self/task"))
      if (tid !== String(process.pid)) helpers[tid] = ticks(`/proc/self/task/${tid}/stat`);
  } catch {}
  // The server thread's time on a CPU and time runnable but waiting for one (ns), from schedstat.
  let sched = { running: 0, waiting: 0 };
  try {
    const [running, waiting] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ");
    sched = { running: Number(running), waiting: Number(waiting) };
  } catch {}
  const snap = {
    helpers,
    sched,
    at: performance.now(),
    server: ticks(`/proc/self/task/${process.pid}/stat`),
    process: ticks("/proc/self/stat"),
    others: otherPids.reduce((sum, pid) => sum + ticks(`/proc/${pid}/stat`), 0),
    pg: 0,
    redis: 0,
  };
  try {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let comm = "";
      try {
        comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      } catch {
        continue;
      }
      if (comm === "postgres") snap.pg += ticks(`/proc/${pid}/stat`);
      else if (comm.startsWith("redis-server")) snap.redis += ticks(`/proc/${pid}/stat`);
    }
  } catch {}
  return snap;
}

/**
 * BENCH_PROFILE=file.cpuprofile: a CPU profile of the server's thread during the measured chat
 * run; BENCH_HEAP_PROFILE=file.heapprofile: where that run allocates (sampled).
 */
async function startProfile(cpu: boolean, heap: boolean) {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (err, r) => (err ? reject(err) : resolve(r))),
    );
  if (cpu) {
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: 500 });
    await post("Profiler.start");
  }
  if (heap) {
    await post("HeapProfiler.enable");
    await post("HeapProfiler.startSampling", {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  return {
    async stop(cpuFile?: string, heapFile?: string) {
      if (cpuFile) {
        const { profile } = (await post("Profiler.stop")) as { profile: unknown };
        writeFileSync(cpuFile, JSON.stringify(profile));
        process.stdout.write(`CPU profile of the chat run: ${cpuFile}\n`);
      }
      if (heapFile) {
        const { profile } = (await post("HeapProfiler.stopSampling")) as { profile: unknown };
        writeFileSync(heapFile, JSON.stringify(profile));
        process.stdout.write(`allocation profile of the chat run: ${heapFile}\n`);
      }
      session.disconnect();
    },
  };
}

/** This process's peak resident memory (Linux /proc), undefined elsewhere. */
function peakMemoryMb(): number | undefined {
  try {
    const kb = /VmHWM:\s*(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Counts the socket writes this process hands to the OS, by peer port, while active: writes to
 * PostgreSQL and to Redis are the round trips a turn makes (a pipeline is one write); writes to
 * the load generator are the HTTP response's pieces.
 */
function writeCounter(pgPort: number, redisPort: number) {
  const counts = { pg: 0, redis: 0, http: 0 };
  const bytes = { pg: 0, redis: 0, http: 0 };
  let active = false;
  // _write / _writev are what a socket hands to the OS (corked writes arrive as one _writev).
  type Flush = (this: Socket, ...args: unknown[]) => void;
  const proto = Socket.prototype as unknown as { _write: Flush; _writev: Flush };
  const original = { _write: proto._write, _writev: proto._writev };
  const size = (chunk: unknown) =>
    typeof chunk === "string"
      ? Buffer.byteLength(chunk)
      : ((chunk as Uint8Array | undefined)?.byteLength ?? 0);
  const count = (socket: Socket, n: number) => {
    if (!active) return;
    const port = socket.remotePort;
    const peer = port === pgPort ? "pg" : port === redisPort ? "redis" : "http";
    counts[peer]++;
    bytes[peer] += n;
  };
  proto._write = function (this: Socket, ...args: unknown[]) {
    count(this, size(args[0]));
    return original._write.apply(this, args);
  };
  proto._writev = function (this: Socket, ...args: unknown[]) {
    const chunks = args[0] as { chunk: unknown }[];
    let n = 0;
    for (const c of chunks) n += size(c.chunk);
    count(this, n);
    return original._writev.apply(this, args);
  };
  return {
    counts,
    bytes,
    start() {
      counts.pg = counts.redis = counts.http = 0;
      bytes.pg = bytes.redis = bytes.http = 0;
      active = true;
    },
    stop() {
      active = false;
    },
    restore() {
      proto._write = original._write;
      proto._writev = original._writev;
    },
  };
}

export async function run(): Promise<void> {
  const db = await freshDatabase();
  const keyPrefix = `sk_bench_chat_${process.pid}:`;
  const deps = await buildBenchDeps(db.url, keyPrefix);
  const app = createApp(deps);
  const chat = await listen(app.fetch);
  // BENCH_INSTANCES=2: more server processes over the same database and Redis; conversations
  // are spread over them (each stays on one; any instance could serve it).
  const others = await Promise.all(
    Array.from({ length: INSTANCES - 1 }, () => startInstance(db.url, keyPrefix)),
  );
  const ports = [chat.port, ...others.map((o) => o.port)];
  // The bare endpoint: the same HTTP stack (node-server + Hono), no work behind it.
  const bareApp = new Hono().post("/bare", async (c) => c.json({ ok: true, echo: await c.req.json() }));
  const bare = await listen(bareApp.fetch);
  try {
    process.stdout.write(
      `chat bench: ${CONCURRENCY} concurrent conversations, ${SECONDS}s per run, offline assistant, PostgreSQL + Redis, ${INSTANCES} server instance(s)\n`,
    );
    await load([bare.port], "/bare", false, 2);
    const b = await load([bare.port], "/bare", false, SECONDS);
    // The chat warm-up right before the chat run: V8 drops the compiled code of functions that go
    // unused for a while, so a bare run in between would make the chat run compile it all again.
    await load(ports, "/api/agent/chat", true, WARMUP_SECONDS);
    const { BENCH_PROFILE, BENCH_HEAP_PROFILE } = process.env;
    const profiler =
      BENCH_PROFILE || BENCH_HEAP_PROFILE
        ? await startProfile(Boolean(BENCH_PROFILE), Boolean(BENCH_HEAP_PROFILE))
        : undefined;
    const writers = turnWriters(deps.database);
    const batches0 = { ...writers.turns.stats, ...writers.counts };
    const cpu0 = cpuSnapshot(others.map((o) => o.pid));
    const c = await load(ports, "/api/agent/chat", true, SECONDS);
    const cpu1 = cpuSnapshot(others.map((o) => o.pid));
    const statements = Math.max(1, writers.turns.stats.batches - batches0.batches);
    const perBatch = {
      start: (writers.counts.starts - batches0.starts) / statements,
      finish: (writers.counts.finishes - batches0.finishes) / statements,
    };
    if (profiler) await profiler.stop(BENCH_PROFILE, BENCH_HEAP_PROFILE);
    // Round trips per turn, counted on a short separate run (counting costs a little).
    const writes = writeCounter(Number(new URL(PG).port || 5432), Number(new URL(REDIS).port || 6379));
    writes.start();
    const counted = await load(ports, "/api/agent/chat", true, 2);
    writes.stop();
    writes.restore();
    // Counted in this process: per turn this instance served.
    const per = (n: number) => fmt(n / (counted.byPort[chat.port] ?? counted.requests), 2);
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
    if (c.firstError) process.stdout.write(`first chat error: ${c.firstError}\n`);
    process.stdout.write(
      `\nsocket writes per turn: PostgreSQL ${per(writes.counts.pg)}, Redis ${per(writes.counts.redis)}, HTTP response ${per(writes.counts.http)}\n`,
    );
    const kb = (n: number) => fmt(n / c.requests / 1024, 1);
    process.stdout.write(
      `bytes sent per turn (KiB): PostgreSQL ${kb(writes.bytes.pg)}, Redis ${kb(writes.bytes.redis)}, HTTP response ${kb(writes.bytes.http)}\n`,
    );
    process.stdout.write(
      `group commit: ${fmt(perBatch.start, 1)} turn starts and ${fmt(perBatch.finish, 1)} turn ends per statement\n`,
    );
    const cpuPer = (k: "server" | "process" | "others" | "pg" | "redis") =>
      fmt((cpu1[k] - cpu0[k]) / c.requests, 2);
    let helperMs = 0;
    for (const [tid, ms] of Object.entries(cpu1.helpers))
      if (cpu0.helpers[tid] !== undefined) helperMs += ms - cpu0.helpers[tid];
    process.stdout.write(
      `CPU ms per turn: server thread ${cpuPer("server")}, V8 helper threads ${fmt(helperMs / c.requests, 2)}, server process ${cpuPer("process")}, load generator ${fmt(c.cpuMs / c.requests, 2)}${others.length ? `, other instances ${cpuPer("others")}` : ""}, PostgreSQL ${cpuPer("pg")}, Redis ${cpuPer("redis")}\n`,
    );
    const wallNs = (cpu1.at - cpu0.at) * 1e6;
    if (cpu1.sched.running > 0) {
      const pct = (k: "running" | "waiting") => fmt((100 * (cpu1.sched[k] - cpu0.sched[k])) / wallNs, 0);
      process.stdout.write(
        `server thread: on a CPU ${pct("running")} % of the run, runnable but waiting for a CPU ${pct("waiting")} %\n`,
      );
    }
    const peak = peakMemoryMb();
    if (peak) process.stdout.write(`server process peak memory (RSS): ${fmt(peak, 0)} MB\n`);
    process.stdout.write(
      `turns/second: ${fmt(cRps, 0)} (goal 1000 on 2 cores) over ${c.requests} turns, ${INSTANCES} server instance${INSTANCES > 1 ? "s" : ""}\n`,
    );
  } finally {
    for (const o of others) o.stop();
    chat.close();
    bare.close();
    await deps.cache.clear().catch(() => {});
    await deps.cache.close();
    await deps.database.close();
    await db.drop();
  }
}
