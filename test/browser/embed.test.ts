/**
 * The widget on somebody else's page: a plain HTML page served by a second tiny server on
 * another port embeds it with one script tag. Its aggressive CSS must not reach the widget,
 * the widget must not restyle the page, and chatting works across origins (CORS).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureWebBuild,
  hasChromium,
  launchBrowser,
  type RunningShop,
  screenshot,
  startShop,
  watchErrors,
} from "./harness.js";

const hostPage = (shopUrl: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Jane's travel blog</title>
<style>
  html { font-size: 10px; }
  * { font-family: "Courier New", monospace !important; color: rgb(200, 0, 0); }
  button { background: rgb(255, 105, 180); padding: 40px; border-radius: 0; }
  div { border: 3px dashed blue; }
  textarea, input, select { font-size: 30px; }
</style></head>
<body><h1 id="title">Island notes</h1><p>Where to eat on Koh Samui.</p>
<script src="${shopUrl}/widget.js" defer></script>
</body></html>`;

describe.skipIf(!hasChromium)("widget embedded in a third-party page", () => {
  let host: Server;
  let hostUrl: string;
  let shop: RunningShop;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuild();
    host = createServer((_, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end(hostPage(shop.url)),
    );
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    // Only the listed origin may call the customer API with the customer's cookie.
    shop = await startShop({ env: { WIDGET_ORIGINS: hostUrl } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await new Promise<void>((resolve) => host?.close(() => resolve()));
  });

  it("mounts in a shadow root, keeps its own look and leaves the page's look alone", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    await page.goto(hostUrl);
    const launcher = page.getByTestId("launcher");
    await launcher.waitFor();
    const style = await launcher.evaluate((el) => {
      const cs = getComputedStyle(el);
      return { bg: cs.backgroundColor, width: el.getBoundingClientRect().width, font: cs.fontFamily };
    });
    expect(style.bg).toBe("rgb(28, 92, 64)"); // --color-accent-700, not the host's hot pink
    expect(style.width).toBe(56); // 3.5rem at 16px, although the host's root font size is 10px
    expect(style.font).not.toContain("Courier");
    const title = await page.locator("#title").evaluate((el) => getComputedStyle(el).color);
    expect(title).toBe("rgb(200, 0, 0)");
    await launcher.click();
    await page.getByRole("dialog").waitFor();
    await screenshot(page, "embed-third-party");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("chats with the shop's API from the other origin", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(hostUrl);
    await page.getByTestId("launcher").click();
    await page.getByRole("textbox", { name: /Ask about/ }).fill("Recommend something for sleep");
    await page.keyboard.press("Enter");
    const reply = page.locator('[data-role="assistant"]').last();
    await expect.poll(async () => (await reply.innerText()).length, { timeout: 20_000 }).toBeGreaterThan(20);
    expect(await reply.innerText()).not.toContain("Can't reach the server");
    await page.getByTestId("product-card").first().waitFor();
    await page.close();
  });
});
