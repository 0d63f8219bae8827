// The original had no reconnect: after a drop, tabs stopped receiving pushes. Here the badge shows
// the connection's state, and after a server restart the tab is brought level with one snapshot:
// it shows what a fresh tab shows, without a reload.
import { afterAll, expect, test } from "bun:test";
import { hasChromium, useBrowser, runExample, type ExampleProcess } from "../helpers/browser.ts";
import { freePort } from "../helpers/server.ts";

const browser = useBrowser(); // this file's Chromium (see test/helpers/browser.ts)
let ex: ExampleProcess | undefined;
afterAll(async () => {
  await ex?.stop();
});

test.skipIf(!hasChromium)("the badge goes reconnecting when the server dies, and live with a fresh snapshot when it is back", async () => {
  const port = freePort();
  ex = await runExample("examples/example1.ts", {}, port);
  const page = await browser.newPage();
  await page.goto(ex.url);
  await page.waitForSelector('#dd-status[data-state="connected"]');
  await page.locator("#shared_input").pressSequentially("before", { delay: 5 });
  await page.waitForFunction(() => document.querySelector("#shared_input_output")?.textContent === "before");
  await page.locator("#shared_slider input").evaluate((el: HTMLInputElement) => {
    el.value = "9";
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await page.waitForFunction(() => document.querySelector("#shared_slider_output")?.textContent === "9");
  await page.locator("body").click({ position: { x: 5, y: 5 } }); // leave the text box

  await ex.stop();
  await page.waitForSelector('#dd-status[data-state="reconnecting"]');
  expect(await page.locator("#dd-status").isVisible()).toBe(true);

  ex = await runExample("examples/example1.ts", {}, port);
  await page.waitForSelector('#dd-status[data-state="connected"]', { timeout: 15000 });
  // the restarted server has fresh shared state: the tab now shows what a fresh tab shows
  await page.waitForFunction(() => document.querySelector("#shared_slider_output")?.textContent === "5");
  expect(await page.locator("#shared_slider input").inputValue()).toBe("5");
  expect(await page.locator("#shared_input").inputValue()).toBe("");
  // and it is live again
  await page.locator("#shared_input").pressSequentially("after", { delay: 5 });
  await page.waitForFunction(() => document.querySelector("#shared_input_output")?.textContent === "after");
});
