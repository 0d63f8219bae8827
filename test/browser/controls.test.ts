// Every control in a real browser, in two tabs: what one tab sets, the server has, and the other
// tab shows — including checkbox, radio, select and switch states (the glue keeps live values
// right; htmx's morph alone only moves attributes). And dcc.Loading spins while a slow output runs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { hasChromium, useBrowser, runExample, type ExampleProcess, openTab } from "../helpers/browser.ts";

const browser = useBrowser(); // this file's Chromium (see test/helpers/browser.ts)
let ex: ExampleProcess;
let a: Page, b: Page;

const out = (p: Page, id: string) => p.locator(`#${id}_out`).textContent();
async function both(id: string, text: string) {
  for (const p of [a, b]) await p.waitForFunction(([i, t]) => document.querySelector(`#${i}_out`)?.textContent === t, [id, text] as const);
}

describe.skipIf(!hasChromium)("controls in two tabs", () => {
  beforeAll(async () => {
    ex = await runExample("examples/controls.ts");
    a = await openTab(browser, ex.url);
    b = await openTab(browser, ex.url);
  });
  afterAll(async () => {
    await ex?.stop();
  });

  test("Checklist", async () => {
    await a.locator("#check input[value=red]").check();
    await both("check", '["red","green"]');
    expect(await b.locator("#check input[value=red]").isChecked()).toBe(true);
    await a.locator("#check input[value=green]").uncheck();
    await both("check", '["red"]');
    expect(await b.locator("#check input[value=green]").isChecked()).toBe(false);
    await a.locator("#check input[value=red]").uncheck();
    await both("check", "[]");
    expect(await b.locator("#check input:checked").count()).toBe(0);
  });

  test("RadioItems keeps the option's type", async () => {
    await b.locator("#radio input[value='2']").check();
    await both("radio", "2");
    expect(await a.locator("#radio input[value='2']").isChecked()).toBe(true);
    expect(await a.locator("#radio input[value='1']").isChecked()).toBe(false);
  });

  test("Dropdown, single and multi", async () => {
    await a.locator("#drop").selectOption("manual");
    await both("drop", '"manual"');
    expect(await b.locator("#drop").inputValue()).toBe("manual");
    await a.locator("#multi").selectOption(["b", "c"]);
    await both("multi", '["b","c"]');
    expect(await b.locator("#multi").evaluate((s: HTMLSelectElement) => [...s.selectedOptions].map((o) => o.value))).toEqual(["b", "c"]);
  });

  test("Switch", async () => {
    await a.locator("#switch input").click({ force: true });
    await both("switch", "true");
    expect(await b.locator("#switch input").isChecked()).toBe(true);
    await b.locator("#switch input").click({ force: true });
    await both("switch", "false");
    expect(await a.locator("#switch input").isChecked()).toBe(false);
  });

  test("RangeSlider, Number, Textarea, Button", async () => {
    await a
      .locator("#range input")
      .first()
      .evaluate((el: HTMLInputElement) => {
        el.value = "30";
        el.dispatchEvent(new Event("change", { bubbles: true }));
      });
    await both("range", "[30,80]");
    await a.locator("#number").fill("7");
    await both("number", "7");
    expect(await b.locator("#number").inputValue()).toBe("7");
    await a.locator("#area").fill("two\nlines");
    await both("area", '"two\\nlines"');
    expect(await b.locator("#area").inputValue()).toBe("two\nlines");
    await a.locator("#button").click();
    await b.locator("#button").click();
    await both("button", "pressed 2 times");
  });

  test("a bad value is refused with a toast, and the control comes back to the server's value", async () => {
    await a.locator("#number").fill("500"); // max is 100
    await a.waitForSelector(".dd-toast");
    expect(await a.locator(".dd-toast").first().textContent()).toContain("DD_BAD_VALUE");
    expect(await out(a, "number")).toBe("7");
    await a.locator(".dd-toast-close").first().click();
    expect(await a.locator(".dd-toast").count()).toBe(0);
  });

  test("dcc.Loading spins around the slow output until it arrives", async () => {
    const saw = await a.evaluate(async () => {
      const input = document.querySelector("#slow input") as HTMLInputElement;
      input.value = "5";
      input.dispatchEvent(new Event("change", { bubbles: true }));
      const t0 = performance.now();
      let spinning = false;
      while (performance.now() - t0 < 3000) {
        if (document.querySelector(".dd-loading [data-dd-pending]")) spinning = true;
        if (document.querySelector("#slow_out")?.textContent === "slow 5") break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 50));
      return {
        spinning,
        done: document.querySelector("#slow_out")?.textContent,
        after: !!document.querySelector(".dd-loading [data-dd-pending]"),
      };
    });
    expect(saw).toEqual({ spinning: true, done: "slow 5", after: false });
  });
});
