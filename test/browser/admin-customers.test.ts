/**
 * The dashboard's customer-facing pages against real data: a customer chats through the widget
 * (POST /api/agent/chat, the offline assistant answers) and orders; staff then open the customer
 * (profile, orders, conversation, memory facts added, edited and deleted, tags, block), read the
 * conversation, take it over, write to the customer (who sees it in the widget and through
 * GET /api/agent/messages) and release it, read the turn's model calls and their cost, and
 * assign the order to a staff member.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
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

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read by shape in the assertions
type Json = Record<string, any>;

const QUESTION = "Can you recommend something relaxing for the evening?";
const NAME = "Anna Test";
const FACT = "Prefers delivery after 6 pm";
const FACT_EDITED = "Prefers delivery after 7 pm";
const STAFF_TEXT = "Hi Anna, this is Mia from the shop. Your order leaves in 20 minutes.";

describe.skipIf(!hasChromium)("dashboard customers, conversations and traces over real data", () => {
  let shop: RunningShop;
  let browser: Browser;
  let customer: BrowserContext;
  let shopPage: Page;
  let staff: Page;
  let errors: string[];
  const seeded = { profileId: "", conversationId: "", orderId: "", orderNumber: "" };

  /** Staff API calls straight to the app (the test ADMIN_TOKEN), to check what the UI did. */
  async function admin(path: string, init: { method?: string; body?: unknown } = {}): Promise<Json> {
    const res = await shop.app.request(path, {
      method: init.method ?? "GET",
      headers: {
        ...staffAuth,
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    expect(res.status, `${init.method ?? "GET"} ${path}`).toBeLessThan(300);
    return (await res.json()) as Json;
  }

  beforeAll(async () => {
    ensureWebBuild();
    shop = await startShop();
    browser = await launchBrowser();
    customer = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-US" });
    shopPage = await customer.newPage();
    shopPage.setDefaultTimeout(10_000);
    const staffContext = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: "en-US",
    });
    staff = await staffContext.newPage();
    staff.setDefaultTimeout(10_000);
    errors = watchErrors(staff);
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  it("a customer asks the assistant through the widget and orders", async () => {
    await shopPage.goto(shop.url);
    await shopPage.getByTestId("launcher").click();
    await shopPage.getByRole("textbox", { name: /Ask about/ }).fill(QUESTION);
    await shopPage.keyboard.press("Enter");
    await shopPage.getByTestId("product-card").first().waitFor({ timeout: 20_000 });

    // The customer's identity is the widget's cookie; the context's request client shares it.
    const me = (await (await customer.request.get(`${shop.url}/api/me`)).json()) as Json;
    seeded.profileId = me.id;
    const convs = await admin(`/api/admin/conversations?profileId=${seeded.profileId}`);
    expect(convs.items).toHaveLength(1);
    seeded.conversationId = convs.items[0].id;
    await admin(`/api/admin/customers/${seeded.profileId}`, {
      method: "PATCH",
      body: { displayName: NAME, phone: "+66 81 234 5678" },
    });

    const catalog = (await (await shop.app.request("/api/catalog?category=flower")).json()) as Json;
    const product = catalog.items.find((p: Json) =>
      p.prices.some((t: Json) => t.grams !== null && Number(t.grams) >= Number(p.minQuantity)),
    );
    const tier = product.prices.find(
      (t: Json) => t.grams !== null && Number(t.grams) >= Number(product.minQuantity),
    );
    const res = await customer.request.post(`${shop.url}/api/orders`, {
      data: {
        items: [{ productId: product.id, quantity: Number(tier.grams) }],
        contactInfo: { name: NAME, phone: "+66 81 234 5678" },
        deliveryAddress: "12/3 Beach Road, Chaweng",
        paymentMethod: "cash",
        conversationId: seeded.conversationId,
      },
    });
    expect(res.status()).toBe(201);
    const order = (await res.json()) as Json;
    seeded.orderId = order.id;
    seeded.orderNumber = order.orderNumber;
  });

  it("chat product cards carry each price's id and weight (or variant id) from the catalog", async () => {
    const res = await shop.app.request("/api/agent/chat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: QUESTION, stream: false }),
    });
    const final = (await res.json()) as Json;
    expect(final.productCards.length).toBeGreaterThan(0);
    const catalog = (await (await shop.app.request("/api/catalog")).json()) as Json;
    for (const card of final.productCards) {
      const item = catalog.items.find((p: Json) => p.id === card.id);
      expect(card.prices).toEqual(
        item.prices.map((p: Json) =>
          p.kind === "variant"
            ? {
                id: p.id,
                kind: p.kind,
                label: p.label,
                price: p.price,
                grams: null,
                variantId: p.id,
                stock: p.stock,
              }
            : { id: p.id, kind: p.kind, label: p.label, price: p.price, grams: p.grams },
        ),
      );
    }
  });

  it("staff sign in", async () => {
    await staff.goto(`${shop.url}/admin`);
    await staff.getByLabel("Password").fill(STAFF_PASSWORD);
    await staff.getByRole("button", { name: "Sign in" }).click();
    await staff.getByRole("heading", { name: "Orders" }).waitFor();
  });

  it("opens the customer: profile, their order and their conversation", async () => {
    await staff.getByRole("link", { name: "Customers" }).click();
    await staff.getByRole("heading", { name: "Customers" }).waitFor();
    await staff.getByRole("link", { name: NAME }).waitFor();
    await screenshot(staff, "admin-customers-list");
    await staff.getByRole("link", { name: NAME }).click();
    await staff.getByRole("heading", { name: NAME }).waitFor();
    expect(new URL(staff.url()).pathname).toBe(`/admin/customers/${seeded.profileId}`);
    await expect.poll(() => staff.getByTestId("customer-orders").innerText()).toContain(seeded.orderNumber);
    const conversations = staff.getByTestId("customer-conversations").locator("a");
    await expect.poll(() => conversations.count()).toBe(1);
    expect(await conversations.getAttribute("href")).toBe(`/admin/conversations/${seeded.conversationId}`);
    const detail = await admin(`/api/admin/conversations/${seeded.conversationId}`);
    expect(await conversations.innerText()).toContain(`${detail.conversation.messageCount} messages`);
    const context = await admin(`/api/admin/customers/${seeded.profileId}/context`);
    await expect.poll(() => staff.getByTestId("assistant-context").innerText()).toContain(context.paragraph);
  });

  it("adds, edits and deletes a memory fact", async () => {
    const facts = staff.getByTestId("facts");
    await staff.getByRole("button", { name: "Add a fact" }).click();
    await staff.getByLabel("New fact").fill(FACT);
    await staff.getByLabel("Kind").selectOption("logistics");
    await staff.getByLabel("Category").selectOption("delivery");
    await staff.getByRole("button", { name: "Save fact" }).click();
    await facts.getByText(FACT, { exact: true }).waitFor();
    const added = (await admin(`/api/admin/customers/${seeded.profileId}/facts`)).items.find(
      (f: Json) => f.content === FACT,
    );
    expect(added).toMatchObject({
      factType: "logistics",
      category: "delivery",
      source: "staff",
      isActive: true,
    });
    await screenshot(staff, "admin-customer");

    await staff.getByRole("button", { name: `Edit: ${FACT}` }).click();
    await staff.getByLabel("Fact", { exact: true }).fill(FACT_EDITED);
    await facts.getByRole("button", { name: "Save", exact: true }).click();
    await facts.getByText(FACT_EDITED, { exact: true }).waitFor();
    const edited = (await admin(`/api/admin/customers/${seeded.profileId}/facts`)).items.find(
      (f: Json) => f.id === added.id,
    );
    expect(edited.content).toBe(FACT_EDITED);

    await staff.getByRole("button", { name: `Delete: ${FACT_EDITED}` }).click();
    const dialog = staff.getByRole("dialog", { name: "Delete this fact?" });
    await dialog.getByRole("button", { name: "Delete" }).click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => staff.getByText(FACT_EDITED, { exact: true }).count()).toBe(0);
    const after = (await admin(`/api/admin/customers/${seeded.profileId}/facts`)).items;
    expect(after.map((f: Json) => f.id)).not.toContain(added.id);
  });

  it("saves tags and notes, blocks and unblocks the customer", async () => {
    await staff.getByLabel("Tags").fill("vip, regular, vip");
    await staff.getByLabel("Staff notes").fill("Calls before coming");
    await staff.getByRole("button", { name: "Save tags and notes" }).click();
    await staff.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    expect(await admin(`/api/admin/customers/${seeded.profileId}`)).toMatchObject({
      profile: { tags: ["vip", "regular"], notes: "Calls before coming" },
    });

    await staff.getByRole("button", { name: "Block", exact: true }).click();
    const dialog = staff.getByRole("dialog", { name: `Block ${NAME}?` });
    await dialog.getByLabel("Reason (optional)").fill("Abusive messages");
    await dialog.getByRole("button", { name: "Block" }).click();
    await expect.poll(() => staff.getByTestId("blocked-banner").innerText()).toContain("Abusive messages");
    expect((await admin(`/api/admin/customers/${seeded.profileId}`)).profile).toMatchObject({
      isBlocked: true,
      blockedReason: "Abusive messages",
    });
    await staff.getByRole("button", { name: "Unblock" }).click();
    await staff.getByTestId("blocked-banner").waitFor({ state: "detached" });
    expect((await admin(`/api/admin/customers/${seeded.profileId}`)).profile).toMatchObject({
      isBlocked: false,
      blockedReason: null,
    });
  });

  it("reads the conversation, takes it over, writes to the customer and releases it", async () => {
    await staff.getByTestId("customer-conversations").locator("a").click();
    const transcript = staff.getByTestId("transcript");
    await transcript.waitFor();
    const { messages } = await admin(`/api/admin/conversations/${seeded.conversationId}`);
    const user = messages.find((m: Json) => m.role === "user");
    const assistant = messages.find((m: Json) => m.role === "assistant");
    expect(user.content).toBe(QUESTION);
    await expect
      .poll(() => transcript.locator('li[data-role="user"]').first().innerText())
      .toContain(QUESTION);
    const firstLine = assistant.content.split("\n")[0];
    await expect
      .poll(() => transcript.locator('li[data-role="assistant"]').first().innerText())
      .toContain(firstLine);

    const state = staff.getByTestId("takeover-state");
    expect(await state.innerText()).toContain("The assistant is answering");
    await staff.getByRole("button", { name: "Take over" }).click();
    await expect.poll(() => state.innerText()).toContain("Staff are answering");
    const held = await admin(`/api/admin/conversations/${seeded.conversationId}`);
    expect(held.conversation.takeoverBy).toBeTruthy();
    expect(new Date(held.conversation.takeoverUntil).getTime()).toBeGreaterThan(Date.now());

    await staff.getByLabel("Message to the customer").fill(STAFF_TEXT);
    await staff.getByRole("button", { name: "Send", exact: true }).click();
    await expect
      .poll(() => transcript.locator('li[data-role="staff"]').last().innerText())
      .toContain(STAFF_TEXT);
    await expect.poll(() => staff.getByLabel("Message to the customer").inputValue()).toBe("");
    await screenshot(staff, "admin-conversation-takeover");

    // The customer's own view of the conversation has it, signed as staff.
    const mine = (await (
      await customer.request.get(`${shop.url}/api/agent/messages?conversationId=${seeded.conversationId}`)
    ).json()) as Json;
    expect(mine.takenOver).toBe(true);
    expect(mine.messages.filter((m: Json) => m.role === "staff").map((m: Json) => m.content)).toEqual([
      STAFF_TEXT,
    ]);
    // ...and the open widget shows it (it polls while the chat is open).
    await shopPage.getByText(STAFF_TEXT).waitFor({ timeout: 15_000 });
    await screenshot(shopPage, "widget-staff-reply");

    await staff.getByRole("button", { name: "Hand back to the assistant" }).click();
    await expect.poll(() => state.innerText()).toContain("The assistant is answering");
    const released = await admin(`/api/admin/conversations/${seeded.conversationId}`);
    expect(released.conversation.takeoverBy).toBeNull();
    expect(released.conversation.takeoverUntil).toBeNull();
  });

  it("lists the turn's model calls with their cost, per conversation and per day", async () => {
    const traces = (await admin(`/api/admin/traces?conversationId=${seeded.conversationId}`)).items as Json[];
    const respond = traces.find((t) => t.nodeName === "respond");
    expect(respond).toBeDefined();
    const byConversation = (await admin("/api/admin/traces/cost?by=conversation")).rows as Json[];
    const convCost = byConversation.find((r) => r.key === seeded.conversationId);
    expect(convCost?.calls).toBe(traces.length);

    await staff.getByRole("link", { name: "AI traces" }).click();
    await staff.getByRole("heading", { name: "AI traces" }).waitFor();
    const row = staff.locator(`tr[data-trace="${respond?.id}"]`);
    await row.waitFor();
    const rowText = await row.innerText();
    expect(rowText).toContain(respond?.modelName);
    expect(rowText).toContain("respond");
    const shownCost = await row.getByTestId("trace-cost").innerText();
    expect(shownCost).toMatch(/^\$\d+\.\d+$/);
    expect(Number(shownCost.slice(1))).toBeCloseTo(Number(respond?.cost), 6);

    const convRow = staff
      .getByTestId("cost-by-conversation")
      .locator(`tr[data-key="${seeded.conversationId}"]`);
    await convRow.waitFor();
    expect((await convRow.locator("td").nth(1).innerText()).trim()).toBe(String(convCost?.calls));
    expect(Number((await convRow.getByTestId("row-cost").innerText()).slice(1))).toBeCloseTo(
      Number(convCost?.cost),
      6,
    );
    const today = new Date().toISOString().slice(0, 10);
    await staff.getByTestId("cost-by-day").locator(`tr[data-key="${today}"]`).waitFor();
    await screenshot(staff, "admin-traces");

    // From the per-conversation row to that conversation's calls only.
    await convRow.getByRole("link").click();
    await staff.getByRole("button", { name: "Show every conversation" }).waitFor();
    await expect.poll(() => staff.getByTestId("traces").locator("tbody tr").count()).toBe(traces.length);
  });

  it("assigns the customer's order to a staff member from the staff list and notes it", async () => {
    const { staff: members } = await admin("/api/admin/staff");
    const owner = members[0];
    await staff.goto(`${shop.url}/admin/orders/${seeded.orderId}`);
    const detail = staff.getByTestId("order-detail");
    await detail.waitFor();
    const assignee = staff.getByLabel("Assigned to");
    await expect
      .poll(() => assignee.locator("option").allInnerTexts())
      .toContain(owner.displayName ?? owner.username);
    await assignee.selectOption(owner.id);
    await expect
      .poll(async () => (await admin(`/api/orders?orderId=${seeded.orderId}`)).assignedTo)
      .toBe(owner.id);
    await staff.getByLabel("Add a note").fill("Rider: Somchai");
    await staff.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => detail.innerText()).toContain("Rider: Somchai");
    expect((await admin(`/api/orders?orderId=${seeded.orderId}`)).staffNotes).toContain("Rider: Somchai");
    await screenshot(staff, "admin-order-assigned");
    expect(errors).toEqual([]);
  });
});
