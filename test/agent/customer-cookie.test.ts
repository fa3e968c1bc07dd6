/** The signed customer cookie check (node:crypto) agrees with hono's getSignedCookie on every input. */
import { Hono } from "hono";
import { getSignedCookie } from "hono/cookie";
import { describe, expect, test } from "vitest";
import { issueCustomerCookie, signedCustomerCookie } from "../../src/http/middleware/customer.js";

const SECRET = "cookie-secret-for-this-test-0123456789abcdef";

const app = new Hono()
  .get("/issue/:id", async (c) => {
    await issueCustomerCookie(c, SECRET, c.req.param("id"), false);
    return c.text("ok");
  })
  .get("/read", async (c) =>
    c.json({
      ours: signedCustomerCookie(c, SECRET) ?? null,
      hono: (await getSignedCookie(c, SECRET, "sk_uid")) || null,
    }),
  );

async function read(cookie?: string) {
  const res = await app.request("/read", { headers: cookie ? { cookie } : {} });
  return (await res.json()) as { ours: string | null; hono: string | null };
}

describe("signedCustomerCookie", () => {
  test("accepts exactly what hono accepts", async () => {
    const id = `u_${crypto.randomUUID()}`;
    const issued = (await app.request(`/issue/${id}`)).headers.get("set-cookie")!.split(";")[0]!;
    const value = issued.slice("sk_uid=".length);
    const decoded = decodeURIComponent(value);
    const sig = decoded.slice(decoded.lastIndexOf(".") + 1);
    const other = `u_${crypto.randomUUID()}`;
    const flipped = sig[0] === "A" ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
    const cases: Array<[string | undefined, string | null]> = [
      [issued, id],
      [`theme=dark; ${issued}; lang=en`, id],
      [`sk_uid=${encodeURIComponent(`${other}.${sig}`)}`, null], // another id, the first one's signature
      [`sk_uid=${encodeURIComponent(`${id}.${flipped}`)}`, null], // a changed signature
      [`sk_uid=${id}`, null], // unsigned
      [`sk_uid=${encodeURIComponent(`${id}.${sig.slice(0, -2)}=`)}`, null], // short signature
      ["other=1", null],
      [undefined, null],
    ];
    // Twice: the second pass answers valid headers from the verified map.
    for (const pass of [1, 2]) {
      for (const [cookie, expected] of cases) {
        const r = await read(cookie);
        expect(r.ours, `${pass}: ${cookie}`).toBe(expected);
        expect(r.hono, `${pass}: ${cookie}`).toBe(expected);
      }
    }
  });

  test("a header verified under one secret is not accepted under another", async () => {
    const id = `u_${crypto.randomUUID()}`;
    const issued = (await app.request(`/issue/${id}`)).headers.get("set-cookie")!.split(";")[0]!;
    expect((await read(issued)).ours).toBe(id);
    const other = new Hono().get("/read", (c) =>
      c.json({ ours: signedCustomerCookie(c, `${SECRET}-rotated`) ?? null }),
    );
    const res = await other.request("/read", { headers: { cookie: issued } });
    expect(((await res.json()) as { ours: string | null }).ours).toBeNull();
    // And back under the first secret it is checked again and accepted.
    expect((await read(issued)).ours).toBe(id);
  });
});
