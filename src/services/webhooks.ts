/**
 * Outbound order webhooks for a CRM (settings crmWebhookUrl / crmWebhookSecret).
 *
 * Each event becomes a row in webhook_deliveries (the delivery log) and a job; the job POSTs the
 * JSON payload signed with HMAC-SHA256:
 *
 *   X-Shopkeeper-Signature: t=<unix seconds>,v1=<hex hmac_sha256(secret, "<t>.<raw body>")>
 *
 * Targets on loopback, private, link-local, CGNAT, multicast or reserved addresses are refused
 * (after resolving DNS, and again at connect time so a DNS answer cannot change in between)
 * unless WEBHOOK_ALLOW_PRIVATE=true. Redirects are not followed.
 */
import { createHmac } from "node:crypto";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
import { eq, sql } from "drizzle-orm";
import { webhookDeliveries } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { PermanentJobError } from "../jobs/types.js";
import { redactText } from "../logger.js";
import type { Order } from "./orders/create.js";
import { getSettings } from "./settings.js";

export const CRM_WEBHOOK_JOB = "crm-webhook";
export const SIGNATURE_HEADER = "X-Shopkeeper-Signature";
/** Attempts per delivery (backoff doubles from the runner's base). @default 6 */
export const WEBHOOK_ATTEMPTS = 6;
const TIMEOUT_MS = 10_000;

const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(net, bits, "ipv6");

/** Whether an IP address is loopback, private, link-local or otherwise not a public host. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], "ipv4");
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

export class RefusedTargetError extends Error {
  constructor(host: string, address: string) {
    super(
      `webhook target ${host} resolves to a non-public address (${address}); set WEBHOOK_ALLOW_PRIVATE=true to allow`,
    );
    this.name = "RefusedTargetError";
  }
}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  );
}

/** Refuses a URL whose host is (or resolves to) a non-public address. */
export async function assertPublicTarget(url: URL, allowPrivate: boolean): Promise<void> {
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addrs = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveAll(host);
  const bad = addrs.find((a) => isNonPublicAddress(a.address));
  if (bad || addrs.length === 0) throw new RefusedTargetError(host, bad?.address ?? "none");
}

/** A dns.lookup for http.request that refuses non-public answers at connect time. */
function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { all?: boolean },
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { all: true }, (err, addrs) => {
      if (err) return callback(err, "");
      const bad = addrs.find((a) => isNonPublicAddress(a.address));
      if (!allowPrivate && bad) return callback(new RefusedTargetError(hostname, bad.address), "");
      if (options.all) return callback(null, addrs);
      const first = addrs[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), "");
      callback(null, first.address, first.family);
    });
  };
}

export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${v1}`;
}

export function orderWebhookPayload(event: string, order: Order, at: Date) {
  return {
    event,
    occurredAt: at.toISOString(),
    order: {
      id: order.id,
      orderNumber: order.orderNumber,
      status: order.status,
      items: order.items,
      subtotal: order.subtotal,
      deliveryFee: order.deliveryFee,
      discount: order.discount,
      total: order.totalAmount,
      currency: order.currency,
      contact: order.contactInfo,
      deliveryAddress: order.deliveryAddress,
      deliveryLocation: order.deliveryLocation,
      paymentMethod: order.paymentMethod,
      paymentStatus: order.paymentStatus,
      estimatedDelivery: order.estimatedDelivery,
      source: order.orderSource,
      assignedTo: order.assignedTo,
      cancellationReason: order.cancellationReason,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
    },
  };
}

/** Logs a delivery and queues it, when a CRM webhook is configured (a snapshot of the order now). */
export async function enqueueOrderWebhook(
  deps: Pick<Deps, "db" | "cache" | "clock"> & Partial<Pick<Deps, "jobs">>,
  event: string,
  order: Order,
): Promise<string | undefined> {
  const settings = await getSettings(deps);
  if (!settings.crmWebhookUrl || !deps.jobs) return undefined;
  const [row] = await deps.db
    .insert(webhookDeliveries)
    .values({
      orderId: order.id,
      event,
      url: settings.crmWebhookUrl,
      payload: orderWebhookPayload(event, order, deps.clock.now()),
    })
    .returning({ id: webhookDeliveries.id });
  if (!row) return undefined;
  await deps.jobs.enqueue(
    CRM_WEBHOOK_JOB,
    { deliveryId: row.id },
    { dedupeKey: `crm:${row.id}`, attempts: WEBHOOK_ATTEMPTS },
  );
  return row.id;
}

function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  allowPrivate: boolean,
): Promise<number> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
        lookup: guardedLookup(allowPrivate) as never,
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The job: one signed POST; the outcome of every attempt is written to the delivery log. */
export async function deliverWebhook(
  deps: Pick<Deps, "db" | "cache" | "clock" | "config">,
  deliveryId: string,
  attempt: { number: number; last: boolean },
): Promise<void> {
  const [d] = await deps.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
  if (!d || d.status === "delivered" || d.status === "refused") return;
  const settings = await getSettings(deps);
  const record = (set: Partial<typeof webhookDeliveries.$inferInsert>) =>
    deps.db
      .update(webhookDeliveries)
      .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, ...set })
      .where(eq(webhookDeliveries.id, d.id));
  const url = new URL(d.url);
  const allowPrivate = deps.config.webhookAllowPrivate;
  try {
    if (url.protocol !== "https:" && url.protocol !== "http:")
      throw new RefusedTargetError(url.hostname, url.protocol);
    await assertPublicTarget(url, allowPrivate);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await record({ status: "refused", errorMessage: message });
    throw new PermanentJobError(message);
  }
  const body = JSON.stringify({ ...d.payload, deliveryId: d.id });
  const headers: Record<string, string> = {
    "user-agent": "Shopkeeper-Webhook/1",
    "x-shopkeeper-event": d.event,
    "x-shopkeeper-delivery": d.id,
  };
  if (settings.crmWebhookSecret) {
    headers[SIGNATURE_HEADER] = signPayload(
      settings.crmWebhookSecret,
      body,
      Math.floor(deps.clock.now().getTime() / 1000),
    );
  }
  let status = 0;
  try {
    status = await post(url, body, headers, allowPrivate);
  } catch (err) {
    const refused = err instanceof RefusedTargetError;
    const message = redactText(err instanceof Error ? err.message : String(err));
    await record({
      status: refused ? "refused" : attempt.last ? "failed" : "pending",
      errorMessage: message,
    });
    if (refused) throw new PermanentJobError(message);
    throw new Error(`webhook delivery failed: ${message}`);
  }
  if (status >= 200 && status < 300) {
    await record({
      status: "delivered",
      lastStatusCode: status,
      errorMessage: null,
      deliveredAt: deps.clock.now(),
    });
    return;
  }
  await record({
    status: attempt.last ? "failed" : "pending",
    lastStatusCode: status,
    errorMessage: `HTTP ${status}`,
  });
  throw new Error(`webhook answered HTTP ${status}`);
}
