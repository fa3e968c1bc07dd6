/**
 * The client's IP address. X-Forwarded-For is believed only when the direct peer is one of
 * TRUSTED_PROXIES; otherwise any client could pick its own address and dodge per-IP limits.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

export function clientIp(c: Context, trustedProxies: string[]): string {
  const peer = peerAddress(c);
  if (peer && trustedProxies.includes(peer)) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return peer ?? "unknown";
}

function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // In-process requests (tests, app.request) have no socket.
    return undefined;
  }
}
