import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffAuth } from "../helpers/app.js";
import {
  ensureWebBuild,
  hasChromium,
  launchBrowser,
  type RunningShop,
  STAFF_PASSWORD,
  screenshot,
  startShop,
  watchErrors,
} from "./harness.js";

describe.skipIf(!hasChromium)("admin dashboard in a real browser", () => {
  let shop: RunningShop;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureWebBuild();
    shop = await startShop();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  it("asks for the password and refuses a wrong one", async () => {
    await page.goto(`${shop.url}/admin`);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("not right");
    await screenshot(page, "admin-sign-in");
  });

  it("signs staff in and lands on orders", async () => {
    await page.getByLabel("Password").fill(STAFF_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Orders" }).waitFor();
    expect(await page.getByText("Signed in as").textContent()).toContain("Signed in as");
  });

  it("marks an order paid and sets its estimated delivery from the order's detail", async () => {
    type Tier = { grams: string | number | null };
    type Item = { id: string; minQuantity: string | number; prices: Tier[] };
    type OrderJson = {
      id: string;
      orderNumber: string;
      paymentStatus: string;
      estimatedDelivery: string | null;
    };
    const catalog = (await (await shop.app.request("/api/catalog?category=flower")).json()) as {
      items: Item[];
    };
    // A flower with a weighed price at or above its minimum, ordered at that weight.
    const fits = (p: Item) => (t: Tier) => t.grams !== null && Number(t.grams) >= Number(p.minQuantity);
    const product = catalog.items.find((p) => p.prices.some(fits(p)));
    const tier = product?.prices.find(fits(product));
    if (!product || !tier) throw new Error("the demo catalog has no weighed flower");
    const placed = await shop.app.request("/api/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        items: [{ productId: product.id, quantity: Number(tier.grams) }],
        contactInfo: { name: "Pay Later", phone: "+66 81 234 5678" },
        deliveryAddress: "7 Market Street, Lamai",
        paymentMethod: "transfer",
      }),
    });
    expect(placed.status).toBe(201);
    const order = (await placed.json()) as OrderJson;
    const fromApi = async () =>
      (await (
        await shop.app.request(`/api/orders?orderId=${order.id}`, { headers: staffAuth })
      ).json()) as OrderJson;

    await page.goto(`${shop.url}/admin/orders/${order.id}`);
    const payment = page.getByTestId("order-payment");
    await payment.waitFor();
    expect(await payment.innerText()).toContain("Unpaid");
    await payment.getByRole("button", { name: "Mark paid" }).click();
    await payment.getByRole("button", { name: "Mark refunded" }).waitFor();
    expect((await fromApi()).paymentStatus).toBe("paid");
    await expect.poll(() => page.getByTestId("order-detail").innerText()).toMatch(/payment: paid/i);
    await expect
      .poll(() => page.getByTestId("order-row").filter({ hasText: order.orderNumber }).innerText())
      .toContain("Paid");

    await page.getByLabel("Estimated delivery").fill("2030-05-01T18:30");
    await payment.getByRole("button", { name: "Save time" }).click();
    const expected = await page.evaluate(() => new Date("2030-05-01T18:30").toISOString());
    await expect.poll(async () => (await fromApi()).estimatedDelivery).toBe(expected);
    await expect.poll(() => page.getByTestId("order-eta-value").innerText()).toContain("2030");
    await screenshot(page, "admin-order-paid");
  });

  it("clears one cache prefix from the cache panel and the key counts change", async () => {
    await page.getByRole("link", { name: "Cache" }).click();
    await page.getByRole("heading", { name: "Cache" }).waitFor();
    await page.getByRole("button", { name: "Warm up menu" }).click();
    await page.getByRole("status").filter({ hasText: "Warmed" }).waitFor();
    const menuKeys = page.locator('tr[data-prefix="menu:"] [data-testid="prefix-keys"]');
    await expect.poll(async () => Number(await menuKeys.textContent())).toBeGreaterThan(0);
    await screenshot(page, "admin-cache");

    await page.getByLabel("Prefix to clear").selectOption("menu:");
    await page.getByRole("button", { name: "Clear prefix" }).click();
    await page.getByRole("status").filter({ hasText: "Cleared" }).waitFor();
    await expect.poll(async () => Number((await menuKeys.textContent()) ?? 0)).toBe(0);
  });

  it("asks before clearing the whole cache", async () => {
    await page.getByRole("button", { name: "Clear all" }).click();
    const dialog = page.getByRole("dialog", { name: "Clear the whole cache?" });
    await dialog.waitFor();
    await screenshot(page, "admin-cache-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
  });

  it("renders every page without crashing or showing a stack trace", async () => {
    const pages = ["orders", "analytics", "customers", "conversations", "traces", "settings", "catalog"];
    for (const name of pages) {
      await page.goto(`${shop.url}/admin/${name}`);
      await page.locator("main h1").waitFor();
      // Wait for loading states to settle into data, empty or error states.
      await page.waitForFunction(
        () => !document.querySelector('main [role="status"]')?.textContent?.includes("Loading"),
      );
      const text = await page.locator("main").innerText();
      expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
      expect(text).not.toContain("Error:");
      await screenshot(page, `admin-${name}`);
    }
    expect(errors).toEqual([]);
  });

  it("saves a setting", async () => {
    await page.goto(`${shop.url}/admin/settings`);
    const name = page.getByLabel("Shop name");
    await name.fill("OG Lab Samui");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel("Shop name").inputValue()).toBe("OG Lab Samui");
  });

  it("reports every bad row of a catalog import and imports nothing", async () => {
    await page.goto(`${shop.url}/admin/catalog`);
    const csv =
      "Name,Category,Type,THC,CBG,Price_1g,Price_5g,Price_20g,Our\nGood Kush,flower,indica,22,1,300,1400,5000,yes\n,flower,sativa,abc,1,300,1400,5000,no\n";
    await page
      .getByLabel("CSV file")
      .setInputFiles({ name: "menu.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Import and replace the catalog" }).click();
    const table = page.getByTestId("import-errors");
    await table.waitFor();
    expect(await table.locator("tbody tr").count()).toBeGreaterThan(0);
    expect(await table.innerText()).toMatch(/\b3\b/);
    await screenshot(page, "admin-catalog-errors");
    const catalog = await (await shop.app.request("/api/catalog?q=Good%20Kush")).json();
    expect(catalog.items).toEqual([]);
  });
});
