// example2 and example2a in two tabs: the same scrolling chart and progress in lockstep, the
// thermostat shared, the label ("NN °F") in both; updates stop when no tab is open.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { hasChromium, useBrowser, runExample, type ExampleProcess, openTab, slide } from "../helpers/browser.ts";

const browser = useBrowser(); // this file's Chromium (see test/helpers/browser.ts)

/** The last y value the chart in the page has drawn. */
const lastPoint = (p: Page) =>
  p.evaluate(() => {
    const fig = JSON.parse(document.querySelector("#temp_graph")!.getAttribute("data-figure")!);
    return fig.data[0]?.y.at(-1) as number | undefined;
  });

for (const file of ["examples/example2.ts", "examples/example2a.ts"]) {
  describe.skipIf(!hasChromium)(file, () => {
    let ex: ExampleProcess;
    beforeAll(async () => {
      ex = await runExample(file);
    });
    afterAll(() => ex?.stop());

    test("two tabs: shared thermostat, label in both, chart and progress in lockstep", async () => {
      const a = await openTab(browser, ex.url);
      const b = await openTab(browser, ex.url);
      await a.waitForFunction(() => document.querySelector("#temp")?.textContent === "70 °F");
      await slide(a, "thermostat", 80);
      await b.waitForFunction(() => document.querySelector("#temp")?.textContent === "80 °F");
      expect(await b.locator("#thermostat input").inputValue()).toBe("80");
      await slide(b, "thermostat", 60);
      await a.waitForFunction(() => document.querySelector("#temp")?.textContent === "60 °F");
      // the chart (drawn by uPlot: a canvas) reaches the new set point in both tabs
      for (const p of [a, b]) {
        await p.waitForFunction(() => document.querySelector("#temp_graph canvas") !== null);
        await p.waitForFunction(
          () => JSON.parse(document.querySelector("#temp_graph")!.getAttribute("data-figure")!).data[0]?.y.at(-1) === 60,
          undefined,
          { timeout: 5000 },
        );
      }
      expect(await lastPoint(a)).toBe(60);
      // lockstep: both tabs show the same progress value after the same push
      const sample = () =>
        Promise.all([a, b].map((p) => p.evaluate(() => (document.querySelector("#progress") as HTMLProgressElement).value)));
      await a.waitForTimeout(600);
      let same = false;
      for (let i = 0; i < 10 && !same; i++) {
        const [x, y] = await sample();
        same = x === y;
        if (!same) await a.waitForTimeout(100);
      }
      expect(same).toBe(true);
      await a.close();
      await b.close();
    });

    test("updates stop when no tab is open, and start again with one", async () => {
      // GET / opens no WebSocket: it shows the shared state without being a client
      const progress = async () => /<progress[^>]*id="progress"[^>]*value="(\d+)"/.exec(await (await fetch(ex.url + "/")).text())?.[1];
      const p = await openTab(browser, ex.url);
      await p.waitForTimeout(700);
      await p.close();
      await Bun.sleep(300);
      const stopped = await progress();
      await Bun.sleep(1200);
      expect(await progress()).toBe(stopped);
      const q = await openTab(browser, ex.url);
      await q.waitForTimeout(1200);
      expect(await progress()).not.toBe(stopped);
      await q.close();
    });
  });
}
