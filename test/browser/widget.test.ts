/**
 * The customer's path through the chat widget on the demo shop page, then the staff's path
 * through the dashboard for the same order.
 */
import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentEvents } from "../../src/db/schema.js";
import { staffAuth } from "../helpers/app.js";
import {
  ensureWebBuild,
  hasChromium,
  launchBrowser,
  type RunningShop,
  routeExists,
  STAFF_PASSWORD,
  screenshot,
  startShop,
  watchErrors,
} from "./harness.js";

interface CatalogItem {
  id: string;
  name: string;
  category: string;
  minQuantity: string;
  inStock: boolean;
  prices: Array<{ grams: string | null; price: string }>;
}

interface SentEvent {
  type: string;
  productId?: string;
  productName?: string;
  conversationId?: string;
  data?: Record<string, unknown>;
}

/** The bodies of the page's POST /api/events requests, in the order it sent them. */
function watchWidgetEvents(page: Page): SentEvent[] {
  const sent: SentEvent[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/events") sent.push(r.postDataJSON());
  });
  return sent;
}

describe.skipIf(!hasChromium)("chat widget in a real browser", () => {
  let shop: RunningShop;
  let browser: Browser;
  let customer: BrowserContext;
  let page: Page;
  let errors: string[];
  let hasChat = false;
  let orderNumber = "";

  beforeAll(async () => {
    ensureWebBuild();
    shop = await startShop();
    hasChat = await routeExists(shop.app, "/api/agent/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    if (!hasChat) console.warn("[browser tests] POST /api/agent/chat is not mounted yet: chat steps skipped");
    browser = await launchBrowser();
    customer = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-US" });
    page = await customer.newPage();
    // Fail a step with Playwright's own message well before the test's time limit.
    page.setDefaultTimeout(10_000);
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  it("shows the shop with its menu and a chat bubble", async () => {
    await page.goto(shop.url);
    await page.getByRole("heading", { name: "Today's menu" }).waitFor();
    await page.locator("#menu li").first().waitFor();
    await page.getByTestId("launcher").waitFor();
    await screenshot(page, "shop-desktop");
  });

  it("opens from the keyboard, focuses the message box and closes with Escape", async () => {
    await page.getByRole("button", { name: "Chat with us" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await expect
      .poll(() =>
        page.evaluate(() => document.querySelector("shopkeeper-widget")?.shadowRoot?.activeElement?.id),
      )
      .toBe("sk-input");
    await screenshot(page, "widget-desktop-open");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await expect
      .poll(() =>
        page.evaluate(() =>
          document.querySelector("shopkeeper-widget")?.shadowRoot?.activeElement?.getAttribute("data-testid"),
        ),
      )
      .toBe("launcher");
  });

  it("switches language and remembers it, and the open panel, across a reload", async () => {
    await page.getByTestId("launcher").click();
    await page.getByLabel("Language").selectOption("ru");
    await page.getByRole("button", { name: "Закрыть чат" }).first().waitFor();
    await page.reload();
    await page.getByRole("dialog").waitFor();
    expect(await page.getByLabel("Язык").inputValue()).toBe("ru");
    await page.getByLabel("Язык").selectOption("en");
  });

  it("recommends products in the chat, counts each card shown once and the one added", async () => {
    if (!hasChat) return;
    const sent = watchWidgetEvents(page);
    const rows = (type: "product_view" | "product_click") =>
      shop.deps.db.select().from(agentEvents).where(eq(agentEvents.eventType, type));
    await page.getByRole("textbox", { name: /Ask about/ }).fill("Recommend something relaxing");
    await page.keyboard.press("Enter");
    const cards = page.getByTestId("product-card");
    await cards.first().waitFor({ timeout: 20_000 });
    // The cards' headings carry the product ids (id="p-<uuid>").
    const shown = await cards
      .locator("h4")
      .evaluateAll((hs) => hs.map((h) => ({ id: h.id.slice(2), name: h.textContent ?? "" })));
    expect(shown.length).toBeGreaterThan(0);
    const ids = shown.map((p) => p.id).sort();
    const conversationId = await page.evaluate(
      (key) => JSON.parse(localStorage.getItem(key) ?? "{}").state?.conversationId as string,
      `shopkeeper-widget:${shop.url}`,
    );
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);

    // One product_view per card shown, sent as an agent recommendation, stored for this customer.
    await expect.poll(async () => (await rows("product_view")).length).toBe(shown.length);
    const views = await rows("product_view");
    expect(views.map((v) => v.eventData.productId).sort()).toEqual(ids);
    expect(views.map((v) => v.eventData.productName).sort()).toEqual(shown.map((p) => p.name).sort());
    for (const v of views) {
      expect(v).toMatchObject({ conversationId, channel: "web" });
      expect(v.eventData.source).toBe("agent_recommendation");
    }
    expect(new Set(views.map((v) => v.userProfileId)).size).toBe(1);
    const viewsSent = sent.filter((e) => e.type === "product_view");
    expect(viewsSent.map((e) => e.productId).sort()).toEqual(ids);
    for (const e of viewsSent) expect(e.data).toMatchObject({ source: "agent_recommendation" });

    // The funnel now has a customer at its product_view step.
    const res = await shop.app.request("/api/analytics?metric=funnel", { headers: staffAuth });
    const { funnel } = (await res.json()) as { funnel: { steps: Array<{ step: string; count: number }> } };
    expect(funnel.steps.find((s) => s.step === "product_view")?.count).toBe(1);

    // Showing the same cards again (another tab and back, a reload) does not count them again.
    await page.getByRole("button", { name: /^Cart/ }).click();
    await page.getByRole("button", { name: "Chat", exact: true }).click();
    await page.reload();
    await cards.first().waitFor();

    // Adding from a card is a product_click.
    await cards.first().getByRole("button", { name: /^Add/ }).click();
    await expect.poll(() => page.getByTestId("cart-count").textContent()).toBe("1");
    await expect.poll(async () => (await rows("product_click")).length).toBe(1);
    const [click] = await rows("product_click");
    expect(click).toMatchObject({ conversationId, userProfileId: views[0]?.userProfileId });
    expect(click?.eventData).toMatchObject({ productId: shown[0]?.id, action: "add_to_cart" });
    expect(sent.find((e) => e.type === "product_click")?.data).toMatchObject({
      source: "agent_recommendation",
    });
    // Sent after the remount and the reload: any repeated view would have been sent before it.
    expect(sent.filter((e) => e.type === "product_view")).toHaveLength(shown.length);
    expect(await rows("product_view")).toHaveLength(shown.length);
    await screenshot(page, "widget-chat-cards");
    await page.getByRole("button", { name: "Chat", exact: true }).click();
  });

  it("keeps chatting and adding to the cart when the events endpoint fails", async () => {
    if (!hasChat) return;
    const other = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const p = await other.newPage();
    p.setDefaultTimeout(10_000);
    const otherErrors = watchErrors(p);
    await p.route("**/api/events", (route) => route.abort("connectionrefused"));
    await p.goto(shop.url);
    await p.getByTestId("launcher").click();
    await p.getByRole("textbox", { name: /Ask about/ }).fill("Recommend something relaxing");
    await p.keyboard.press("Enter");
    const card = p.getByTestId("product-card").first();
    await card.waitFor({ timeout: 20_000 });
    await card.getByRole("button", { name: /^Add/ }).click();
    await expect.poll(() => p.getByTestId("cart-count").textContent()).toBe("1");
    expect(otherErrors).toEqual([]);
    await other.close();
  });

  it("orders through the widget and shows the server's order number and total", async () => {
    const catalog = (await (await shop.app.request("/api/catalog?category=flower&inStock=true")).json()) as {
      items: CatalogItem[];
    };
    const product = catalog.items.find((p) =>
      p.prices.some((t) => t.grams !== null && Number(t.grams) >= Number(p.minQuantity)),
    );
    expect(product).toBeDefined();
    if (!product) return;
    const tierIndex = product.prices.findIndex(
      (t) => t.grams !== null && Number(t.grams) >= Number(product.minQuantity),
    );
    // The shop page's own "add" path (window.Shopkeeper) when the chat step did not add one already.
    const inCart = Number(
      (await page
        .getByTestId("cart-count")
        .textContent()
        .catch(() => "0")) || 0,
    );
    if (inCart === 0) {
      await page.evaluate(
        async ([id, index]) => {
          const res = await fetch("/api/catalog");
          const { items } = await res.json();
          const item = items.find((p: { id: string }) => p.id === id);
          (
            window as unknown as { Shopkeeper: { addToCart(p: unknown, i: number): void } }
          ).Shopkeeper.addToCart(item, index);
        },
        [product.id, tierIndex] as const,
      );
    }
    await page.getByRole("button", { name: /^Cart/ }).click();
    await page.getByTestId("cart-line").first().waitFor();
    await screenshot(page, "widget-cart");

    await page.getByRole("button", { name: "Checkout" }).click();
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByText("Enter a phone number we can call").waitFor();
    await page.getByLabel("Name").fill("Anna");
    await page.getByLabel("Phone").fill("+66 81 234 5678");
    await page.getByLabel("Delivery address").fill("12/3 Beach Road, Chaweng");
    await page.locator("label", { hasText: "Bank transfer" }).click();
    await screenshot(page, "widget-checkout");
    await page.getByRole("button", { name: "Place order" }).click();

    const number = page.getByTestId("order-number");
    await number.waitFor();
    orderNumber = (await number.textContent()) ?? "";
    expect(orderNumber).toMatch(/^OG\d{6}-\d{3,}$/);
    const saved = (await (
      await shop.app.request(`/api/orders?orderNumber=${orderNumber}`, {
        headers: { authorization: "Bearer test-admin-token-0123456789" },
      })
    ).json()) as {
      totalAmount: string;
      paymentMethod: string;
    };
    expect(saved.paymentMethod).toBe("transfer");
    const shown = (await page.getByTestId("order-total").textContent()) ?? "";
    expect(shown.replace(/[^\d.]/g, "")).toBe(String(Number(saved.totalAmount)));
    await screenshot(page, "widget-order-placed");

    await page.getByRole("button", { name: "Orders", exact: true }).first().click();
    await page.getByTestId("my-order").filter({ hasText: orderNumber }).waitFor();
  });

  it("fits a phone screen", async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const p = await phone.newPage();
    await p.goto(shop.url);
    await p.getByTestId("launcher").click();
    const panel = p.getByTestId("panel");
    await panel.waitFor();
    const box = await panel.boundingBox();
    expect(box?.width).toBe(390);
    await screenshot(p, "widget-phone");
    await p.getByRole("button", { name: "Cart" }).click();
    await screenshot(p, "widget-phone-cart");
    await phone.close();
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "widget-phone-orders");
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it("lets staff find the order, move it through its statuses and see it in today's analytics", async () => {
    expect(orderNumber).not.toBe("");
    const staff = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const admin = await staff.newPage();
    const adminErrors = watchErrors(admin);
    await admin.goto(`${shop.url}/admin`);
    await admin.getByLabel("Password").fill(STAFF_PASSWORD);
    await admin.getByRole("button", { name: "Sign in" }).click();
    const row = admin.getByTestId("order-row").filter({ hasText: orderNumber });
    await row.waitFor();
    await screenshot(admin, "admin-orders-list");
    await row.getByRole("link", { name: orderNumber }).click();
    const detail = admin.getByTestId("order-detail");
    await detail.waitFor();

    for (const [button, status] of [
      ["Confirm", "confirmed"],
      ["Start preparing", "preparing"],
      ["Out for delivery", "delivering"],
      ["Mark completed", "completed"],
    ] as const) {
      await detail.getByRole("button", { name: button }).click();
      await detail
        .locator("span", { hasText: new RegExp(`^${status}$`) })
        .first()
        .waitFor();
      if (status === "confirmed") await screenshot(admin, "admin-order-detail");
    }
    expect(await detail.getByRole("button", { name: "Cancel order" }).count()).toBe(0);
    await detail.getByText("no further status changes").waitFor();

    await admin.getByRole("link", { name: "Analytics" }).click();
    const today = admin.getByTestId("today");
    await expect.poll(async () => (await today.innerText()).match(/ORDERS TODAY\s+(\d+)/i)?.[1]).toBe("1");
    await screenshot(admin, "admin-analytics-with-order");
    expect(adminErrors).toEqual([]);
    await staff.close();
    expect(errors).toEqual([]);
  });
});
