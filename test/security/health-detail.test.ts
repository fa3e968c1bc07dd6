/**
 * /api/health is open (load balancers, uptime checks), so what it says to an anonymous caller is
 * the status of each part only: a failing part's error text (hosts, ports, user names) is staff's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { timed } from "../../src/services/health.js";
import { createTestApp, staffAuth } from "../helpers/app.js";

const INTERNAL = 'connect ECONNREFUSED 10.9.8.7:6379 (user "shopkeeper_prod")';

describe("/api/health", () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    t = await createTestApp();
    t.deps.healthChecks.push({
      name: "queue",
      check: () => timed(() => Promise.reject(new Error(INTERNAL))),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it("tells an anonymous caller which part is down, but not the internal error", async () => {
    const res = await t.app.request("/api/health");
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as { status: string; components: Record<string, { status: string }> };
    expect(body.status).toBe("degraded");
    expect(body.components.queue?.status).toBe("down");
    expect(body.components.database?.status).toBe("up");
    expect(text).not.toContain("10.9.8.7");
    expect(text).not.toContain("shopkeeper_prod");
  });

  it("gives staff the error text", async () => {
    const res = await t.app.request("/api/health", { headers: staffAuth });
    const body = (await res.json()) as { components: Record<string, { detail?: string }> };
    expect(body.components.queue?.detail).toBe(INTERNAL);
  });

  it("a forged staff cookie is just anonymous", async () => {
    const res = await t.app.request("/api/health", { headers: { cookie: "sk_staff=forged" } });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("10.9.8.7");
  });
});
