import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries } from "../../src/db/schema.js";
import { DatabaseJobRunner } from "../../src/jobs/db-runner.js";
import "../../src/jobs/handlers.js";
import { createOrder } from "../../src/services/orders/create.js";
import { changeOrderStatus } from "../../src/services/orders/status.js";
import { updateSettings } from "../../src/services/settings.js";
import { isNonPublicAddress } from "../../src/services/webhooks.js";
import { createTestDeps } from "../helpers/app.js";
import { waitFor } from "../jobs/support.js";
import { demoCart } from "./support.js";

type Received = { headers: IncomingHttpHeaders; body: string };
const SECRET = "crm-shared-secret-123";

async function receiver(statuses: number[]) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { got, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function rig(allowPrivate: boolean, url: string) {
  const deps = await createTestDeps({ env: { WEBHOOK_ALLOW_PRIVATE: String(allowPrivate) } });
  const runner = new DatabaseJobRunner(deps.database, deps.logger, { backoffBaseMs: 50, pollIntervalMs: 25 });
  deps.jobs = runner;
  await runner.start(deps);
  await updateSettings(deps, { crmWebhookUrl: url, crmWebhookSecret: SECRET }, "test");
  const cart = await demoCart(deps);
  const [profile] = await deps.database.query<{ id: string }>(
    "insert into user_profiles default values returning id",
  );
  const order = () =>
    createOrder(deps, {
      userProfileId: profile!.id,
      items: cart.items,
      contactInfo: { phone: "+66 81 222 3333" },
      deliveryAddress: "3 CRM Street",
      paymentMethod: "cash",
      source: "web",
      createdBy: "customer",
    });
  return {
    deps,
    order,
    async close() {
      await runner.stop({ timeoutMs: 100 });
      await deps.close();
    },
  };
}

describe("outbound CRM webhooks", () => {
  let recv: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    recv = await receiver([500]);
  });
  afterAll(async () => {
    await recv.close();
  });

  it("posts signed order events, retries a failure and logs every attempt", async () => {
    const r = await rig(true, recv.url);
    try {
      const o = await r.order();
      await changeOrderStatus(r.deps, { orderId: o.id, status: "confirmed", by: "staff:admin" });
      const rows = await waitFor(async () => {
        const d = await r.deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.orderId, o.id));
        return d.length === 2 && d.every((x) => x.status === "delivered") ? d : undefined;
      });
      const created = rows.find((d) => d.event === "order.created")!;
      const confirmed = rows.find((d) => d.event === "order.status_changed")!;
      expect(created.attempts + confirmed.attempts).toBe(3); // one of them met the 500 first
      expect(recv.got).toHaveLength(3);
      for (const g of recv.got) {
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(g.headers["x-shopkeeper-signature"]));
        expect(m).not.toBeNull();
        const expected = createHmac("sha256", SECRET).update(`${m![1]}.${g.body}`).digest("hex");
        expect(m![2]).toBe(expected);
        const payload = JSON.parse(g.body) as {
          event: string;
          order: { orderNumber: string; total: string };
        };
        expect(payload.order.orderNumber).toBe(o.orderNumber);
        expect(payload.order.total).toBe(o.totalAmount);
      }
    } finally {
      await r.close();
    }
  });

  it("refuses a loopback target unless WEBHOOK_ALLOW_PRIVATE is set, and sends nothing", async () => {
    const before = recv.got.length;
    const r = await rig(false, recv.url);
    try {
      const o = await r.order();
      const [d] = await waitFor(async () => {
        const rows = await r.deps.db
          .select()
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.orderId, o.id));
        return rows[0]?.status === "refused" ? rows : undefined;
      });
      expect(d?.errorMessage).toContain("non-public");
      expect(recv.got.length).toBe(before);
    } finally {
      await r.close();
    }
  });

  it("classifies addresses", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "0.0.0.0",
      "100.64.0.1",
    ])
      expect(isNonPublicAddress(a), a).toBe(true);
    for (const a of ["1.1.1.1", "8.8.8.8", "2606:4700:4700::1111"])
      expect(isNonPublicAddress(a), a).toBe(false);
  });
});
