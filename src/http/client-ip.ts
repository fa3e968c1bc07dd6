/**
 * The client's IP address. X-Forwarded-For is believed only when the direct peer is one of
 * TRUSTED_PROXIES; otherwise any client could pick its own address and dodge per-IP limits.
 * It is read from the right: each proxy appends the address it was called from, so the last
 * entry that is not a trusted proxy is the client; entries left of it were written by the
 * client itself and prove nothing.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

export function clientIp(c: Context, trustedProxies: string[]): string {
  const peer = peerAddress(c);
  if (peer && trustedProxies.includes(peer)) {
    const hops = (c.req.header("x-forwarded-for") ?? "").split(",");
    let leftmost: string | undefined;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!.trim();
      if (!hop) continue;
      if (!trustedProxies.includes(hop)) return hop;
      leftmost = hop;
    }
    // Only trusted proxies in the chain: the first of them is as close to the client as it gets.
    if (leftmost) return leftmost;
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
