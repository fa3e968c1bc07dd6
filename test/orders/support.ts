/** Helpers for order tests: a cookie-keeping customer client and a priced cart from the demo catalog. */
import type { App } from "../../src/app.js";
import type { Deps } from "../../src/deps.js";
import { listCatalog, seedDemoCatalogIfEmpty } from "../../src/services/catalog/index.js";
import { quote } from "../../src/services/pricing.js";
import { getSettings } from "../../src/services/settings.js";
import { createTestApp, staffAuth } from "../helpers/app.js";

export interface Client {
  request(method: string, path: string, body?: unknown): Promise<Response>;
}

/** A browser: keeps the signed customer cookie the server issues. */
export function customer(app: App): Client {
  let cookie = "";
  return {
    async request(method, path, body) {
      const res = await app.request(path, {
        method,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const set = res.headers.get("set-cookie");
      if (set) cookie = set.split(";")[0] ?? "";
      return res;
    },
  };
}

export function staff(app: App): Client {
  return {
    request: async (method, path, body) =>
      app.request(path, {
        method,
        headers: { ...staffAuth, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      }),
  };
}

/** A valid cart (a flower at its minimum) and what the server must charge for it. */
export async function demoCart(deps: Deps) {
  await seedDemoCatalogIfEmpty(deps);
  const catalog = await listCatalog(deps);
  const flower = catalog.find((i) => i.unit === "g" && i.prices.length > 0 && Number(i.minQuantity) >= 1);
  if (!flower) throw new Error("demo catalog has no weighed product");
  const settings = await getSettings(deps);
  const items = [{ productId: flower.id, quantity: flower.minQuantity }];
  const expected = quote(catalog, items, { deliveryFee: settings.deliveryFee, currency: settings.currency });
  return { flower, items, expected, settings };
}

export const orderBody = (items: Array<{ productId: string; quantity: string | number }>) => ({
  items,
  contactInfo: { name: "Ann", phone: "+66 81 234 5678" },
  deliveryAddress: "12 Beach Road, Patong",
  paymentMethod: "cash",
});

/** A test app with the demo cart priced, two customers (their own cookies) and staff. */
export async function ordersFixture() {
  const t = await createTestApp();
  return {
    t,
    cart: await demoCart(t.deps),
    alice: customer(t.app),
    bob: customer(t.app),
    admin: staff(t.app),
  };
}
