/** Health of each component, each with its latency; optional parts report "disabled" when off. */
import type { Deps } from "../deps.js";

export interface ComponentHealth {
  status: "up" | "down" | "disabled";
  latencyMs?: number;
  detail?: string;
}

export interface HealthCheck {
  name: string;
  check(): Promise<ComponentHealth>;
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
    return { status: "down", latencyMs: round(performance.now() - t0), detail: (e as Error).message };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export async function checkHealth(deps: Deps) {
  const components: Record<string, ComponentHealth> = {};
  components.database = await timed(() => deps.database.query("select 1"));
  const stats = await deps.cache.stats().catch(() => undefined);
  for (const tier of stats?.tiers ?? []) {
    components[`cache.${tier.name}`] = { status: tier.available ? "up" : "down" };
  }
  for (const h of deps.healthChecks) components[h.name] = await h.check();
  const down = Object.entries(components).filter(([, v]) => v.status === "down");
  const status = components.database.status === "down" ? "down" : down.length > 0 ? "degraded" : "ok";
  return { status, uptimeSeconds: Math.round((Date.now() - started) / 1000), components } as const;
}
