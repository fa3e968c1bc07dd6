/**
 * Cache benchmark (`npm run bench -- cache`): L1 hit, L2 hit, miss-to-database, batch of 100 keys
 * and clear-prefix of 10,000 keys, each next to baselines measured in the same run with the same
 * connections: a raw Redis GET + JSON.parse, and a raw primary-key query. Uses REDIS_URL /
 * DATABASE_URL, else the machine's 127.0.0.1 Redis and PostgreSQL when they answer, else skips
 * Redis rows / falls back to embedded PGlite.
 */
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { Redis } from "ioredis";
import postgres from "postgres";
import { IoRedisDriver } from "../src/cache/drivers/ioredis.js";
import { TwoTierCache } from "../src/cache/two-tier.js";
import { type DatabaseHandle, openDatabase } from "../src/db/client.js";
import { createLogger } from "../src/logger.js";

const logger = createLogger("silent");
const NS = `sk_bench_${process.pid}:`;
const VALUE = {
  id: "b3c1e2f4-0000-4000-8000-000000000001",
  name: "OG Kush",
  category: "flower",
  thc: 24.5,
  effects: ["relaxing", "sleepy", "happy"],
  prices: [
    { label: "1g", price: "450.00" },
    { label: "5g", price: "2000.00" },
    { label: "20g", price: "7000.00" },
  ],
};

interface Row {
  name: string;
  median: number;
  p99: number;
  baseline?: string;
  ratio?: number;
}

/** Times `n` sequential awaited calls of `fn(i)`, in microseconds per call. */
async function timeEach(
  n: number,
  fn: (i: number) => Promise<unknown>,
): Promise<{ median: number; p99: number }> {
  for (let i = 0; i < Math.min(n, 2000); i++) await fn(i);
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  samples.sort();
  return { median: samples[Math.floor(n / 2)] as number, p99: samples[Math.floor(n * 0.99)] as number };
}

/** Mean of a tight loop (no per-call clock reads), for sub-microsecond operations. */
async function timeLoop(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10_000; i++) await fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

async function reachable(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => {});
  const ok = await r
    .connect()
    .then(() => r.ping())
    .then(
      () => true,
      () => false,
    );
  r.disconnect();
  return ok;
}

async function pickDatabase(): Promise<{ db: DatabaseHandle; label: string }> {
  const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const probe = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  const ok = await probe`select 1`.then(
    () => true,
    () => false,
  );
  await probe.end();
  if (ok)
    return { db: await openDatabase({ url, maxConnections: 1 }), label: `PostgreSQL (${new URL(url).host})` };
  return { db: await openDatabase({}), label: "embedded PGlite (in memory)" };
}

function fmt(us: number): string {
  if (Number.isNaN(us)) return "—";
  return us < 10
    ? `${us.toFixed(2)} µs`
    : us < 10_000
      ? `${us.toFixed(1)} µs`
      : `${(us / 1000).toFixed(1)} ms`;
}

function print(rows: Row[]) {
  const lines = rows.map((r) => [
    r.name,
    fmt(r.median),
    fmt(r.p99),
    r.baseline ?? "",
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x`,
  ]);
  const head = ["operation", "median", "p99", "baseline", "median / baseline"];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ")}`;
  process.stdout.write(
    `${row(head)}\n${row(widths.map((w) => "-".repeat(w)))}\n${lines.map(row).join("\n")}\n`,
  );
}

export async function run(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const hasRedis = await reachable(redisUrl);
  const { db, label } = await pickDatabase();
  process.stdout.write(
    `\nCache benchmark — Redis: ${hasRedis ? redisUrl : "none (memory rows only)"}; database: ${label}\n\n`,
  );

  await db.query("create temp table bench_items (id integer primary key, payload jsonb not null)");
  await db.query("insert into bench_items select g, $1::jsonb from generate_series(1, 20000) g", [
    JSON.stringify(VALUE),
  ]);
  const pk = (id: number) =>
    db.query<{ payload: unknown }>("select payload from bench_items where id = $1", [id]);

  const rows: Row[] = [];
  const dbBase = await timeEach(2000, (i) => pk((i % 20_000) + 1));
  rows.push({ name: "baseline: raw primary-key query", ...dbBase });

  const driverA = hasRedis ? new IoRedisDriver(redisUrl) : undefined;
  const driverB = hasRedis ? new IoRedisDriver(redisUrl) : undefined;
  await driverA?.waitReady();
  await driverB?.waitReady();
  const a = await new TwoTierCache({ logger, namespace: NS, l2: driverA }).start();
  const b = await new TwoTierCache({ logger, namespace: NS, l2: driverB }).start();

  let getBase: { median: number; p99: number } | undefined;
  if (driverA) {
    const raw = driverA.client;
    await raw.set(`${NS}raw`, JSON.stringify(VALUE));
    getBase = await timeEach(5000, async () => JSON.parse((await raw.get(`${NS}raw`)) as string));
    rows.push({ name: "baseline: raw Redis GET + JSON.parse", ...getBase });
  }
  const vsGet = (us: number) => (getBase ? us / getBase.median : undefined);

  // L1: the same key over and over, as a hot menu or profile read is.
  await a.getOrSet("menu:items", async () => VALUE, { ttl: 3600 });
  const l1 = await timeEach(50_000, () => a.getOrSet("menu:items", async () => VALUE, { ttl: 3600 }));
  const l1Mean = await timeLoop(500_000, () => a.getOrSet("menu:items", async () => VALUE, { ttl: 3600 }));
  rows.push({ name: "L1 hit (getOrSet)", ...l1, baseline: "raw GET", ratio: vsGet(l1.median) });
  rows.push({
    name: "L1 hit, mean of a tight loop",
    median: l1Mean,
    p99: Number.NaN,
    baseline: "raw GET",
    ratio: vsGet(l1Mean),
  });

  const bento = new BentoCache({
    default: "l1",
    stores: { l1: bentostore().useL1Layer(memoryDriver({ maxSize: "100mb" })) },
  });
  await bento.set({ key: "menu:items", value: VALUE, ttl: "1h" });
  const bentoL1 = await timeEach(50_000, () => bento.get({ key: "menu:items" }));
  rows.push({
    name: "for comparison: BentoCache L1 get",
    ...bentoL1,
    baseline: "raw GET",
    ratio: vsGet(bentoL1.median),
  });
  await bento.disconnect();

  if (driverA) {
    // L2: B reads keys A wrote, each once, so every read misses B's L1 and hits Redis.
    const n = 5000;
    const keys = Array.from({ length: n }, (_, i) => `user:profile:l2-${i}`);
    for (let i = 0; i < n; i += 500) {
      await a.setMany(keys.slice(i, i + 500).map((key) => ({ key, value: VALUE, ttl: 3600 })));
    }
    const warm = Array.from({ length: 2000 }, (_, i) => `user:profile:warm-${i}`);
    await a.setMany(warm.map((key) => ({ key, value: VALUE, ttl: 3600 })));
    for (const k of warm) await b.get(k);
    const l2 = await timeEach(n, (i) => b.get(keys[i] as string));
    rows.push({ name: "L2 hit (get, L1 cold)", ...l2, baseline: "raw GET", ratio: vsGet(l2.median) });
  }

  let missKey = 0;
  const miss = await timeEach(3000, () => {
    const id = (missKey % 20_000) + 1;
    return a.getOrSet(`order:status:miss-${missKey++}`, async () => (await pk(id))[0], { ttl: 3600 });
  });
  rows.push({
    name: "miss → database (getOrSet)",
    ...miss,
    baseline: "raw PK query",
    ratio: miss.median / dbBase.median,
  });

  // Batches: 100 keys in one call (B's L1 cold, so getMany is one MGET).
  let batchNo = 0;
  const setBatch = await timeEach(300, () => {
    const n = batchNo++;
    return a.setMany(
      Array.from({ length: 100 }, (_, i) => ({ key: `analytics:batch:${n}:${i}`, value: VALUE, ttl: 3600 })),
    );
  });
  rows.push({ name: "setMany, 100 keys", ...setBatch, baseline: "raw GET", ratio: vsGet(setBatch.median) });
  let readNo = 0;
  const getBatch = await timeEach(300, () => {
    const n = readNo++;
    return b.getMany(Array.from({ length: 100 }, (_, i) => `analytics:batch:${n}:${i}`));
  });
  rows.push({ name: "getMany, 100 keys", ...getBatch, baseline: "raw GET", ratio: vsGet(getBatch.median) });

  // clear-prefix of 10,000 keys, five rounds.
  const clearTimes: number[] = [];
  for (let round = 0; round < 5; round++) {
    const prefix = "semantic:";
    for (let i = 0; i < 10_000; i += 1000) {
      await a.setMany(
        Array.from({ length: 1000 }, (_, j) => ({
          key: `${prefix}r${round}-${i + j}`,
          value: VALUE,
          ttl: 3600,
        })),
      );
    }
    const t0 = process.hrtime.bigint();
    const n = await a.deleteByPrefix(prefix);
    clearTimes.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (n !== 10_000) throw new Error(`clear-prefix removed ${n} keys, expected 10000`);
  }
  clearTimes.sort((x, y) => x - y);
  const clearMedian = clearTimes[2] as number;
  rows.push({
    name: "clear-prefix, 10,000 keys",
    median: clearMedian,
    p99: clearTimes[4] as number,
    baseline: "raw GET",
    ratio: vsGet(clearMedian),
  });

  print(rows);
  if (getBase) {
    const l1x = getBase.median / l1.median;
    const l2Row = rows.find((r) => r.name.startsWith("L2 hit"));
    process.stdout.write(
      `\n  L1 hit is ${l1x.toFixed(0)}x faster than a raw GET (criterion: >= 10x): ${l1x >= 10 ? "met" : "NOT met"}\n` +
        `  L2 hit is ${l2Row?.ratio?.toFixed(2)}x a raw GET (criterion: <= 2x): ${(l2Row?.ratio ?? 99) <= 2 ? "met" : "NOT met"}\n\n`,
    );
  }

  await a.clear();
  await a.close();
  await b.close();
  await db.close();
}
