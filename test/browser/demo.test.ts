// The device demo (simulated devices), as the README's first command runs it, in two tabs: the
// temperature streams into both charts, the shared LED controls follow across tabs, a button press
// shows in every tab, and the safe state runs when the last tab leaves and when the process stops.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { hasChromium, useBrowser, runExample, type ExampleProcess, openTab } from "../helpers/browser.ts";

const browser = useBrowser(); // this file's Chromium (see test/helpers/browser.ts)
let ex: ExampleProcess;
const points = (p: Page) =>
  p.evaluate(() => JSON.parse(document.querySelector("#temp_graph")!.getAttribute("data-figure")!).data[0].y.length as number);

describe.skipIf(!hasChromium)("device demo", () => {
  beforeAll(async () => {
    ex = await runExample("examples/demo.ts", { DATA_DIR: mkdtempSync(join(tmpdir(), "dd-demo-")) });
  });
  afterAll(async () => {
    await ex?.stop();
  });

  test("the temperature streams into every tab's chart", async () => {
    const a = await openTab(browser, ex.url);
    const b = await openTab(browser, ex.url);
    await a.waitForFunction(() => /°C/.test(document.querySelector("#reading")?.textContent ?? ""));
    const n = await points(b);
    await b.waitForFunction(
      (k) => JSON.parse(document.querySelector("#temp_graph")!.getAttribute("data-figure")!).data[0].y.length > k + 2,
      n,
      { timeout: 5000 },
    );
    expect(await b.locator("#temp_graph canvas").count()).toBeGreaterThan(0);
    await a.close();
    await b.close();
  });

  test("LED brightness, LED switch and button presses are shared; the last tab leaving turns the LEDs off", async () => {
    const a = await openTab(browser, ex.url);
    const b = await openTab(browser, ex.url);
    await a.locator("#brightness input").evaluate((el: HTMLInputElement) => {
      el.value = "70";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await b.waitForFunction(() => document.querySelector("#brightness_out")?.textContent === "70%");
    expect(await b.locator("#brightness input").inputValue()).toBe("70");
    await a.locator("#led input").click({ force: true });
    await b.waitForFunction(() => document.querySelector("#led_out")?.textContent === "on");
    expect(await b.locator("#led input").isChecked()).toBe(true);
    await b.locator("#sim_press").click();
    await a.waitForFunction(() => document.querySelector("#presses")?.textContent?.startsWith("Pressed 1 time"));

    await a.close();
    await b.close();
    await Bun.sleep(300);
    const c = await openTab(browser, ex.url);
    expect(await c.locator("#brightness_out").textContent()).toBe("off");
    expect(await c.locator("#led input").isChecked()).toBe(false);
    expect(ex.output()).toContain("LEDs off");
    await c.close();
  });

  test("SIGTERM: the safe state runs and the server stops cleanly", async () => {
    const p = await openTab(browser, ex.url);
    await p.locator("#led input").click({ force: true });
    await p.waitForFunction(() => document.querySelector("#led_out")?.textContent === "on");
    const before = (ex.output().match(/LEDs off/g) ?? []).length;
    await ex.stop("SIGTERM");
    expect(ex.output()).toContain("server.stopping");
    expect((ex.output().match(/LEDs off/g) ?? []).length).toBeGreaterThan(before);
    await p.waitForSelector('#dd-status[data-state="reconnecting"]');
  });
});
