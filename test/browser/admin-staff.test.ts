/**
 * The Staff page in a real browser: the owner adds a staff member, who signs in with their own
 * username and password, appears in an order's "Assigned to" list, sees the staff list without
 * the owner's controls and changes their own password; the owner then deletes the account and
 * the member's open dashboard is signed out.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffAuth } from "../helpers/app.js";
import { customer, orderBody } from "../orders/support.js";
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

const MEMBER = { username: "mia", name: "Mia Staff", password: "mia-first-pass-1", telegram: "424242" };

describe.skipIf(!hasChromium)("staff accounts in the dashboard", () => {
  let shop: RunningShop;
  let browser: Browser;
  let ownerContext: BrowserContext;
  let memberContext: BrowserContext;
  let owner: Page;
  let member: Page;
  let errors: string[];
  let orderId = "";

  async function admin(path: string): Promise<Json> {
    const res = await shop.app.request(path, { headers: staffAuth });
    expect(res.status, path).toBe(200);
    return (await res.json()) as Json;
  }

  async function signIn(page: Page, username: string, password: string) {
    await page.goto(`${shop.url}/admin`);
    if (username) await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Orders" }).waitFor();
  }

  beforeAll(async () => {
    ensureWebBuild();
    shop = await startShop();
    browser = await launchBrowser();
    ownerContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
    memberContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
    owner = await ownerContext.newPage();
    member = await memberContext.newPage();
    errors = watchErrors(owner);
    member.on("pageerror", (err) => errors.push(err.message));

    // An order to assign, placed through the API as a customer would.
    const catalog = (await (await shop.app.request("/api/catalog")).json()) as Json;
    const flower = (catalog.items as Json[]).find((i) => i.unit === "g" && i.prices?.length > 0);
    if (!flower) throw new Error("demo catalog has no weighed product");
    const placed = await customer(shop.app).request(
      "POST",
      "/api/orders",
      orderBody([{ productId: flower.id, quantity: flower.minQuantity }]),
    );
    expect(placed.status, await placed.clone().text()).toBe(201);
    orderId = ((await placed.json()) as Json).id;
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
  });

  it("the owner adds a staff member from the Staff page", async () => {
    await signIn(owner, "", STAFF_PASSWORD);
    await owner.getByRole("link", { name: "Staff" }).click();
    await owner.getByRole("heading", { name: "Staff", exact: true }).waitFor();
    await owner.locator('tr[data-username="admin"]').waitFor();

    const form = owner.getByRole("form", { name: "Add a staff member" });
    await form.getByLabel("Username").fill(MEMBER.username);
    await form.getByLabel("Display name").fill(MEMBER.name);
    await form.getByLabel("Telegram user id").fill(MEMBER.telegram);
    await form.getByLabel("Password").fill(MEMBER.password);
    await form.getByRole("button", { name: "Add staff member" }).click();
    await owner
      .getByRole("status")
      .filter({ hasText: `Added ${MEMBER.username}` })
      .waitFor();
    expect(
      await owner
        .getByRole("status")
        .filter({ hasText: `Added ${MEMBER.username}` })
        .innerText(),
    ).toContain(MEMBER.password);
    const row = owner.locator(`tr[data-username="${MEMBER.username}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain(MEMBER.name);
    expect(await row.innerText()).toContain(MEMBER.telegram);
    await screenshot(owner, "admin-staff");

    // A taken username: the server's 409 is shown, naming it.
    await form.getByLabel("Username").fill(MEMBER.username);
    await form.getByLabel("Password").fill("another-pass-1");
    await form.getByRole("button", { name: "Add staff member" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toContain("already taken");

    const { staff } = await admin("/api/admin/staff");
    expect((staff as Json[]).find((s) => s.username === MEMBER.username)).toMatchObject({
      role: "staff",
      displayName: MEMBER.name,
      telegramUserId: Number(MEMBER.telegram),
    });
  });

  it("the new member appears in the order's Assigned to list", async () => {
    await owner.goto(`${shop.url}/admin/orders/${orderId}`);
    const assignee = owner.getByLabel("Assigned to");
    await expect.poll(() => assignee.locator("option").allInnerTexts()).toContain(MEMBER.name);
    const { staff } = await admin("/api/admin/staff");
    const mia = (staff as Json[]).find((s) => s.username === MEMBER.username);
    await assignee.selectOption(mia?.id);
    await expect.poll(async () => (await admin(`/api/orders?orderId=${orderId}`)).assignedTo).toBe(mia?.id);
    await screenshot(owner, "admin-staff-assigned");
  });

  it("the member signs in with their username and sees the list without the owner's controls", async () => {
    await member.goto(`${shop.url}/admin`);
    await member.getByLabel("Username").fill(MEMBER.username);
    await member.getByLabel("Password").fill("not-the-password");
    await member.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => member.getByRole("alert").textContent()).toContain("not right");

    await signIn(member, MEMBER.username, MEMBER.password);
    expect(await member.getByText("Signed in as").textContent()).toContain(MEMBER.username);
    await member.getByRole("link", { name: "Staff" }).click();
    await member.locator(`tr[data-username="${MEMBER.username}"]`).waitFor();
    expect(await member.locator(`tr[data-username="${MEMBER.username}"]`).innerText()).toContain("(you)");
    expect(await member.getByRole("form", { name: "Add a staff member" }).count()).toBe(0);
    expect(await member.getByRole("button", { name: /^(Edit|Delete) / }).count()).toBe(0);
    await screenshot(member, "admin-staff-member-view");
  });

  it("the member changes their own password (the current one required)", async () => {
    const form = member.getByRole("form", { name: "Change my password" });
    await form.getByLabel("Current password").fill("wrong-password-1");
    await form.getByLabel("New password", { exact: true }).fill("mia-second-pass-2");
    await form.getByLabel("Repeat the new password").fill("mia-second-pass-2");
    await form.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toContain("currentPassword");

    await form.getByLabel("Current password").fill(MEMBER.password);
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
    // Still signed in here; the new password works for the next sign-in.
    await member.reload();
    await member.getByRole("heading", { name: "Staff", exact: true }).waitFor();
    const login = await shop.app.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: MEMBER.username, password: "mia-second-pass-2" }),
    });
    expect(login.status).toBe(200);
  });

  it("the owner edits the member, then deletes them: signed out at once, the order unassigned", async () => {
    await owner.goto(`${shop.url}/admin/staff`);
    await owner.getByRole("button", { name: `Edit ${MEMBER.username}` }).click();
    const edit = owner.getByRole("form", { name: `Edit ${MEMBER.username}` });
    await edit.getByLabel("Display name").fill("Mia S.");
    await edit.getByRole("button", { name: "Save" }).click();
    await owner
      .getByRole("status")
      .filter({ hasText: `Saved ${MEMBER.username}` })
      .waitFor();
    await expect
      .poll(() => owner.locator(`tr[data-username="${MEMBER.username}"]`).innerText())
      .toContain("Mia S.");
    // The built-in owner has no Delete button.
    expect(await owner.getByRole("button", { name: "Delete admin" }).count()).toBe(0);

    await owner.getByRole("button", { name: `Delete ${MEMBER.username}` }).click();
    const dialog = owner.getByRole("dialog", { name: `Delete ${MEMBER.username}?` });
    await dialog.waitFor();
    await screenshot(owner, "admin-staff-delete");
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await owner.getByRole("status").filter({ hasText: "1 order is now unassigned" }).waitFor();
    await owner.locator(`tr[data-username="${MEMBER.username}"]`).waitFor({ state: "detached" });
    expect((await admin(`/api/orders?orderId=${orderId}`)).assignedTo).toBeNull();

    await member.reload();
    await member.getByRole("button", { name: "Sign in" }).waitFor();
    expect(errors).toEqual([]);
  });
});
