import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasChromium, useBrowser, runExample, type ExampleProcess, openTab, slide } from "../helpers/browser.ts";

const browser = useBrowser(); // this file's Chromium (see test/helpers/browser.ts)
let ex: ExampleProcess;

/** Sets a range input's value the way a drag does: value, then an input event. */

// The same tests over the WebSocket and over the HTTP service (DD_SERVER_SERVICE=http).
for (const service of ["websocket", "http"]) {
  describe.skipIf(!hasChromium)(`example1 in two tabs, over ${service}`, () => {
    beforeAll(async () => {
      ex = await runExample("examples/example1.ts", { DD_SERVER_SERVICE: service });
    });
    afterAll(() => ex?.stop());

    test("the shared slider moves in both tabs; the regular one only in its own", async () => {
      const a = await openTab(browser, ex.url);
      const b = await openTab(browser, ex.url);
      expect(await a.evaluate(() => document.body.hasAttribute("hx-sse:connect"))).toBe(service === "http");
      await slide(a, "shared_slider", 8);
      await b.waitForFunction(() => document.querySelector("#shared_slider_output")?.textContent === "8");
      expect(await b.locator("#shared_slider input").inputValue()).toBe("8");
      expect(await a.locator("#shared_slider_output").textContent()).toBe("8");

      await slide(a, "regular_slider", 2);
      await a.waitForFunction(() => document.querySelector("#regular_slider_output")?.textContent === "2");
      await b.waitForTimeout(100);
      expect(await b.locator("#regular_slider_output").textContent()).toBe("5");
      expect(await b.locator("#regular_slider input").inputValue()).toBe("5");
    });

    test("typing in the shared input shows in the other tab; a new tab starts from the shared state", async () => {
      const a = await openTab(browser, ex.url);
      const b = await openTab(browser, ex.url);
      await a.locator("#shared_input").fill("");
      await a.locator("#shared_input").pressSequentially("hello", { delay: 10 });
      await b.waitForFunction(() => document.querySelector("#shared_input_output")?.textContent === "hello");
      expect(await b.locator("#shared_input").inputValue()).toBe("hello");
      // the typing tab kept focus and caret
      expect(await a.evaluate(() => document.activeElement?.id)).toBe("shared_input");
      expect(await a.locator("#shared_input").inputValue()).toBe("hello");

      await a.locator("#regular_input").pressSequentially("mine", { delay: 5 });
      await a.waitForFunction(() => document.querySelector("#regular_input_output")?.textContent === "mine");
      const c = await openTab(browser, ex.url);
      expect(await c.locator("#shared_input").inputValue()).toBe("hello");
      expect(await c.locator("#shared_input_output").textContent()).toBe("hello");
      expect(await c.locator("#regular_input").inputValue()).toBe("");
      expect(await c.locator("#regular_slider input").inputValue()).toBe("5");
    });

    test("a control is marked pending until the server confirms it", async () => {
      const a = await openTab(browser, ex.url);
      const seen = await a.evaluate(async () => {
        const wrap = document.querySelector("#shared_slider")!;
        const el = wrap.querySelector("input")!;
        el.value = "3";
        el.dispatchEvent(new Event("input", { bubbles: true }));
        // htmx sends asynchronously; the mark is set when the message leaves
        const t0 = performance.now();
        while (!wrap.hasAttribute("data-dd-pending") && performance.now() - t0 < 1000) await new Promise((r) => setTimeout(r, 0));
        const marked = wrap.hasAttribute("data-dd-pending");
        while (wrap.hasAttribute("data-dd-pending") && performance.now() - t0 < 3000) await new Promise((r) => setTimeout(r, 1));
        return { marked, cleared: !wrap.hasAttribute("data-dd-pending") };
      });
      expect(seen).toEqual({ marked: true, cleared: true });
    });
  });
}
