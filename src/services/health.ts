/**
 * Health of each component for /api/health: the database, each cache tier, the assistant's model,
 * the Telegram bot (when TELEGRAM_BOT_TOKEN is set) and whatever registered itself in
 * `deps.healthChecks` (the job queue, from src/jobs/background.ts).
 *
 * A component is "up", "degraded" (works, but not fully: e.g. the remote model does not answer
 * and the offline assistant stands in), "down", or "disabled" (an optional part that is off).
 * Only a critical component (the database) being down makes the whole service "down" (HTTP 503);
 * any other part down or degraded makes it "degraded" (still 200). `detail` and `error` may name
 * hosts, ports and users: the route shows them to staff only.
 */
import { type AgentModel, modelHealth } from "../agent/models/index.js";
import { TwoTierCache } from "../cache/two-tier.js";
import type { Deps } from "../deps.js";

export type ComponentStatus = "up" | "degraded" | "down" | "disabled";

export interface ComponentHealth {
  status: ComponentStatus;
  latencyMs?: number;
  /** Staff only: what the part is, or (when it fails) the same text as `error`. */
  detail?: string;
  /** Staff only: why the part is down or degraded. */
  error?: string;
  /** Model: offline, openai or compatible. */
  provider?: AgentModel["provider"];
  /** Telegram: webhook or polling. */
  mode?: "webhook" | "polling";
  /** Telegram: whether the bot runs. */
  running?: boolean;
}

export interface HealthCheck {
  name: string;
  check(): Promise<ComponentHealth>;
  /** When this part is down, the whole service is down (503). @default false */
  critical?: boolean;
}

const started = Date.now();

export async function timed(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<ComponentHealth> {
  const t0 = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
    return { status: "up", latencyMs: round(performance.now() - t0) };
  } catch (e) {
    const message = (e as Error).message;
    return { status: "down", latencyMs: round(performance.now() - t0), detail: message, error: message };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** `cache.memory` (in this process: always up) and `cache.redis` / `cache.upstash` when configured. */
async function cacheComponents(deps: Deps): Promise<Record<string, ComponentHealth>> {
  const out: Record<string, ComponentHealth> = { "cache.memory": { status: "up" } };
  const { cache } = deps;
  if (cache instanceof TwoTierCache) {
    const driver = cache.l2Driver;
    if (!driver) return out;
    // One GET of a key nothing writes: a round trip, without the SCAN that cache stats do.
    const h = driver.isReady()
      ? await timed(() => driver.get(`${cache.namespace}__health`))
      : { status: "down" as const, detail: "not connected", error: "not connected" };
    if (h.status !== "up") {
      const error = `${h.error}; the cache serves from memory and the database meanwhile`;
      out[`cache.${driver.name}`] = { ...h, detail: error, error };
    } else out[`cache.${driver.name}`] = h;
    return out;
  }
  // Another AppCache (tests): what its stats say.
  const stats = await deps.cache.stats().catch(() => undefined);
  for (const tier of stats?.tiers ?? []) {
    out[`cache.${tier.name}`] = { status: tier.available ? "up" : "down" };
  }
  return out;
}

/** The bot's own state (no Bot API call): a failed getMe/setWebhook or failing polling is "degraded". */
function telegramComponent(deps: Deps): ComponentHealth | undefined {
  if (!deps.config.telegram.botToken) return undefined;
  const bot = deps.telegram;
  if (!bot) {
    return { status: "disabled", detail: "TELEGRAM_BOT_TOKEN is set, but this process does not run the bot" };
  }
  const s = bot.state;
  const base = { mode: s.mode, running: s.running };
  if (!s.running || s.failing) {
    const what = !s.running ? "the bot is not running" : "polling fails (retrying)";
    const error = s.lastError ? `${what}: ${s.lastError}` : what;
    return { status: "degraded", ...base, detail: error, error };
  }
  return { status: "up", ...base, detail: `${s.mode}, @${deps.telegramBotUsername ?? "?"}` };
}

async function runCheck(h: HealthCheck): Promise<ComponentHealth> {
  try {
    return await h.check();
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    return { status: "down", detail: message, error: message };
  }
}

export async function checkHealth(deps: Deps) {
  const critical = new Set(["database"]);
  for (const h of deps.healthChecks) if (h.critical) critical.add(h.name);
  const telegram = telegramComponent(deps);
  const [database, caches, model, ...extra] = await Promise.all([
    timed(() => deps.database.query("select 1")),
    cacheComponents(deps),
    modelHealth(deps.config),
    ...deps.healthChecks.map(runCheck),
  ]);
  const components: Record<string, ComponentHealth> = { database, ...caches, model };
  if (telegram) components.telegram = telegram;
  deps.healthChecks.forEach((h, i) => {
    components[h.name] = extra[i] as ComponentHealth;
  });
  let status: "ok" | "degraded" | "down" = "ok";
  for (const [name, c] of Object.entries(components)) {
    if (c.status === "down" && critical.has(name)) status = "down";
    else if ((c.status === "down" || c.status === "degraded") && status === "ok") status = "degraded";
  }
  return { status, uptimeSeconds: Math.round((Date.now() - started) / 1000), components };
}
