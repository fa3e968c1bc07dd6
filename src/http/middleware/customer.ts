/**
 * Web customer identity: a signed, httpOnly cookie the server issues. A `userId` a client sends
 * in a body or query is never trusted; this cookie is the only way a browser names a customer.
 */

import { createHmac, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setSignedCookie } from "hono/cookie";

export const CUSTOMER_COOKIE = "sk_uid";
const ONE_YEAR = 60 * 60 * 24 * 365;
const VALID_ID = /^u_[0-9a-f-]{36}$/;

export type CustomerVariables = { customerId: string; customerIsNew: boolean };

/** Reads the customer's id from the signed cookie, or issues a new one. */
export function customerIdentity(
  secret: string,
  opts: { secure?: boolean } = {},
): MiddlewareHandler<{
  Variables: CustomerVariables;
}> {
  return async function customerIdentityMiddleware(c, next) {
    const existing = signedCustomerCookie(c, secret);
    if (typeof existing === "string" && VALID_ID.test(existing)) {
      c.set("customerId", existing);
      c.set("customerIsNew", false);
    } else {
      const id = `u_${crypto.randomUUID()}`;
      await issueCustomerCookie(c, secret, id, opts.secure ?? false);
      c.set("customerId", id);
      c.set("customerIsNew", true);
    }
    await next();
  };
}

/**
 * The customer id of a valid signed `sk_uid` cookie, else undefined. The same format and check as
 * hono's getSignedCookie (`value.base64(HMAC-SHA256(secret, value))`), done with node:crypto's
 * synchronous HMAC: WebCrypto imported the key and hopped to the thread pool on every request.
 */
export function signedCustomerCookie(c: Context, secret: string): string | undefined {
  // The rate limit and the identity middleware both ask: the HMAC is checked once per request.
  const known = checked.get(c);
  if (known && known.secret === secret) return known.id;
  const id = verifyCustomerCookie(c, secret);
  checked.set(c, { secret, id });
  return id;
}

const checked = new WeakMap<Context, { secret: string; id: string | undefined }>();

/**
 * Cookie headers whose `sk_uid` was verified, with the id they carry (for one secret): a returning
 * browser sends the same header on every message, so its HMAC is computed once, not per request.
 * Only valid cookies are kept, and at most VERIFIED_MAX of them (then the map starts over).
 */
const verified = { secret: "", ids: new Map<string, string>() };
const VERIFIED_MAX = 10_000;

function verifyCustomerCookie(c: Context, secret: string): string | undefined {
  const header = c.req.header("cookie");
  if (!header) return undefined;
  if (verified.secret !== secret) {
    verified.secret = secret;
    verified.ids.clear();
  }
  const known = verified.ids.get(header);
  if (known !== undefined) return known;
  const id = verifyHeader(c, secret);
  if (id !== undefined) {
    if (verified.ids.size >= VERIFIED_MAX) verified.ids.clear();
    verified.ids.set(header, id);
  }
  return id;
}

function verifyHeader(c: Context, secret: string): string | undefined {
  const raw = getCookie(c, CUSTOMER_COOKIE);
  if (!raw) return undefined;
  const dot = raw.lastIndexOf(".");
  if (dot < 0) return undefined;
  const value = raw.slice(0, dot);
  const signature = raw.slice(dot + 1);
  if (signature.length !== 44 || !signature.endsWith("=")) return undefined;
  const expected = createHmac("sha256", secret).update(value).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : undefined;
}

export async function issueCustomerCookie(c: Context, secret: string, id: string, secure: boolean) {
  await setSignedCookie(c, CUSTOMER_COOKIE, id, secret, {
    httpOnly: true,
    // The widget can be embedded on another site: there the cookie must be SameSite=None; Secure.
    sameSite: secure ? "None" : "Lax",
    secure,
    path: "/",
    maxAge: ONE_YEAR,
  });
}
