// The glue's sender (public/transport-ws.js): for a control whose hx-ws:send trigger is a plain
// `input` or `change`, the glue builds and sends the message itself instead of hx-ws. It must put
// on the wire exactly what hx-ws sends for the same control and value, in the page's order, with
// the same pending marks and acks.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasChromium, openTab, runExample, useBrowser, type ExampleProcess } from "../helpers/browser.ts";

const browser = useBrowser();

describe.skipIf(!hasChromium)("the glue's sender", () => {
  let ex: ExampleProcess;
  beforeAll(async () => {
    ex = await runExample("examples/example1.ts");
  });
  afterAll(() => ex?.stop());

  test("sends what hx-ws sends, in order, marks the control pending until its ack", async () => {
    const page = await openTab(browser, ex.url);
    const r = await page.evaluate(() => {
      type H = ((e: Event) => unknown) & { _dd?: boolean; htmx?: (e: Event) => unknown };
      const w = window as unknown as { sent: string[] };
      w.sent = [];
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (d) {
        w.sent.push(String(d));
        return send.call(this, d);
      };
      const div = document.getElementById("shared_slider") as HTMLElement & { _htmx: { triggerSpecs: { handler: H }[] } };
      const handler = div._htmx.triggerSpecs[0]!.handler;
      const el = div.querySelector("input")!;
      const pending: (string | null)[] = [];
      // 1-3 by the glue, 4 by hx-ws's own handler, 5 by the glue: all in one task
      for (let v = 1; v <= 5; v++) {
        el.value = String(v);
        const e = new Event("input", { bubbles: true });
        if (v === 4) {
          Object.defineProperty(e, "target", { value: el });
          handler.htmx!(e);
        } else el.dispatchEvent(e);
      }
      return Promise.resolve().then(() => {
        pending.push(div.getAttribute("data-dd-pending"));
        return { fast: handler._dd === true, hasHtmx: typeof handler.htmx, pending };
      });
    });
    expect(r).toMatchObject({ fast: true, hasHtmx: "function" });
    await page.waitForFunction(() => (window as unknown as { sent: string[] }).sent.length === 5);
    const sent = (await page.evaluate(() => (window as unknown as { sent: string[] }).sent)).map((s) => JSON.parse(s));
    expect(sent.map((m) => m.shared_slider)).toEqual(["1", "2", "3", "4", "5"]);
    const seq0 = Number(sent[0].headers["DD-Seq"]);
    expect(sent.map((m) => Number(m.headers["DD-Seq"]))).toEqual([seq0, seq0 + 1, seq0 + 2, seq0 + 3, seq0 + 4]);
    // the glue's messages are byte for byte hx-ws's (key order included), but for value and number
    const raw = await page.evaluate(() => (window as unknown as { sent: string[] }).sent);
    const norm = (s: string) => s.replace(/"shared_slider":"\d+"/, '"shared_slider":"V"').replace(/"DD-Seq":"\d+"/, '"DD-Seq":"N"');
    expect(raw.map(norm)).toEqual(Array(5).fill(norm(raw[3]!)));
    expect(raw[3]).toContain(`"HX-Current-URL":${JSON.stringify(ex.url.endsWith("/") ? ex.url : `${ex.url}/`)}`);
    // pending until acked, then none
    expect(r.pending[0]).not.toBeNull();
    await page.waitForFunction((n) => (window as unknown as { dashDevices: { lastAck: number } }).dashDevices.lastAck >= n, seq0 + 4);
    expect(await page.locator("[data-dd-pending]").count()).toBe(0);
    expect(await page.locator("#shared_slider_output").textContent()).toBe("5");
  });
});
