// The glue's in-place apply (public/dash-devices.js `apply`, public/fragment.js): a fragment that
// only changes attributes and text of elements already on the page is patched directly instead of
// going through htmx.swap. It must leave the page exactly as htmx's morph would, decline what it
// cannot do, keep order, and keep the focus, caret and a dragged slider's live value.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { hasChromium, openTab, runExample, slide, useBrowser, type ExampleProcess } from "../helpers/browser.ts";

const browser = useBrowser();

/** The page's state that a swap can change: the markup, and each control's live value. */
async function snapshot(p: Page): Promise<string> {
  return p.evaluate(() => {
    const live = [...document.querySelectorAll("input,textarea,select")].map(
      (e) => `${e.getAttribute("name")}=${(e as HTMLInputElement).value}`,
    );
    return `${document.getElementById("dd-root")!.outerHTML}\n${document.getElementById("dd-toasts")!.innerHTML}\n${live.join(";")}`;
  });
}

/** In page `p`: apply `html` with the glue; when it declines, htmx swaps it as hx-ws would. */
function applyOrSwap(p: Page, html: string, glue: boolean): Promise<boolean> {
  return p.evaluate(
    async ({ html, glue }) => {
      const w = window as unknown as { dashDevices: { apply(h: string): boolean }; htmx: { swap(ctx: object): Promise<void> } };
      const applied = glue && w.dashDevices.apply(html);
      if (!applied)
        await w.htmx.swap({
          sourceElement: document.body,
          target: document.body,
          swap: "none swapEmpty:false",
          text: html,
          transition: false,
        });
      return applied;
    },
    { html, glue },
  );
}

const out = (inner: string) => `<div hx-swap-oob="outerMorph" id="shared_slider_output">${inner}</div>`;
const slider = (value: string, attrs = 'aria-label="shared_slider"', wrap = 'class="dd-slider" hx-ws:send hx-trigger="input"') =>
  `<div hx-swap-oob="outerMorph" id="shared_slider" ${wrap}><input type="range" name="shared_slider" min="0" max="10" step="1" value="${value}" ${attrs}></div>`;

// [what, fragment, applied in place?]
const CASES: [string, string, boolean][] = [
  ["a new value and a new text", slider("7") + out("7"), true],
  ["entities in text", out("&lt;b&gt; &amp; &quot;x&quot; &#39;y&#39;"), true],
  ["an entity fragment.js leaves to the browser's parser", out("&nbsp;x&copy;"), true],
  ["an attribute removed, one added", slider("7", 'data-x="1"'), true],
  ["a class changed", slider("7", 'aria-label="shared_slider"', 'class="dd-slider wide" hx-ws:send hx-trigger="input"'), true],
  ["a child element added", out("<b>bold</b>"), false],
  ["a text back where the element was", out("plain"), false],
  ["an htmx attribute changed", slider("7", 'aria-label="shared_slider"', 'class="dd-slider" hx-ws:send hx-trigger="change"'), false],
  ["an id not on the page", `<div hx-swap-oob="outerMorph" id="nowhere">x</div>`, false],
  [
    "a toast (beforeend)",
    `<div hx-swap-oob="beforeend:#dd-toasts"><div class="dd-toast" role="alert"><pre>oops &lt;3</pre></div></div>`,
    false,
  ],
  ["one applicable and one not: all to htmx", out("9") + `<div hx-swap-oob="outerMorph" id="regular_slider_output"><i>x</i></div>`, false],
];

describe.skipIf(!hasChromium)("the glue's in-place apply", () => {
  let ex: ExampleProcess;
  beforeAll(async () => {
    ex = await runExample("examples/example1.ts");
  });
  afterAll(() => ex?.stop());

  test("leaves the page as htmx's morph does, and declines what it cannot patch", async () => {
    const glue = await openTab(browser, ex.url);
    const htmx = await openTab(browser, ex.url);
    // a pending mark (morphIgnore) stays through both
    for (const p of [glue, htmx]) await p.evaluate(() => document.getElementById("regular_slider")!.setAttribute("data-dd-pending", "99"));
    expect(await snapshot(glue)).toBe(await snapshot(htmx));
    for (const [what, html, inPlace] of CASES) {
      expect({ what, applied: await applyOrSwap(glue, html, true) }).toEqual({ what, applied: inPlace });
      await applyOrSwap(htmx, html, false);
      expect({ what, page: await snapshot(glue) }).toEqual({ what, page: await snapshot(htmx) });
    }
    expect(await glue.locator("#shared_slider_output").textContent()).toBe("9");
  });

  for (const service of ["websocket", "http"]) {
    test(`over ${service}: another tab's changes are patched in place, in order, none lost`, async () => {
      const ex2 = service === "http" ? await runExample("examples/example1.ts", { DD_SERVER_SERVICE: "http" }) : ex;
      try {
        const a = await openTab(browser, ex2.url);
        const b = await openTab(browser, ex2.url);
        await slide(a, "shared_slider", 0);
        await b.waitForFunction(() => document.querySelector("#shared_slider_output")?.textContent === "0");
        await b.evaluate(() => {
          const w = window as unknown as { seen: string[]; swaps: number; applied: number; node: Element };
          w.seen = [];
          w.swaps = 0;
          w.applied = 0;
          w.node = document.getElementById("shared_slider_output")!;
          document.addEventListener("htmx:after:swap", () => w.swaps++);
          document.addEventListener("dd:applied", () => w.applied++);
          new MutationObserver(() => w.seen.push(document.getElementById("shared_slider_output")!.textContent ?? "")).observe(
            document.getElementById("dd-root")!,
            { subtree: true, childList: true, characterData: true },
          );
        });
        // ten changes as fast as the page sends them
        await a.evaluate(() => {
          const el = document.querySelector("#shared_slider input") as HTMLInputElement;
          for (let v = 1; v <= 10; v++) {
            el.value = String(v);
            el.dispatchEvent(new Event("input", { bubbles: true }));
          }
        });
        await b.waitForFunction(() => document.querySelector("#shared_slider_output")?.textContent === "10");
        const r = await b.evaluate(() => {
          const w = window as unknown as { seen: string[]; swaps: number; applied: number; node: Element };
          return {
            seen: w.seen,
            swaps: w.swaps,
            applied: w.applied > 0,
            sameNode: w.node === document.getElementById("shared_slider_output"),
            value: (document.querySelector("#shared_slider input") as HTMLInputElement).value,
          };
        });
        const nums = r.seen.map(Number);
        expect(nums.every((n, i) => i === 0 || n > nums[i - 1]!)).toBe(true); // never back
        expect(nums.at(-1)).toBe(10);
        expect(r).toMatchObject({ swaps: 0, applied: true, sameNode: true, value: "10" });
      } finally {
        if (ex2 !== ex) await ex2.stop();
      }
    });
  }

  test("the typing tab keeps focus and caret while its own echo is applied", async () => {
    const a = await openTab(browser, ex.url);
    const b = await openTab(browser, ex.url);
    const box = a.locator("#shared_input");
    await box.fill("hello");
    await b.waitForFunction(() => document.querySelector("#shared_input_output")?.textContent === "hello");
    await box.evaluate((el: HTMLInputElement) => el.setSelectionRange(2, 2));
    await box.press("X");
    await b.waitForFunction(() => document.querySelector("#shared_input_output")?.textContent === "heXllo");
    await a.waitForFunction(() => !document.querySelector("[data-dd-pending]"));
    expect(
      await a.evaluate(() => [
        document.activeElement?.id,
        (document.activeElement as HTMLInputElement).value,
        (document.activeElement as HTMLInputElement).selectionStart,
      ]),
    ).toEqual(["shared_input", "heXllo", 3]);
  });

  test("a slider held by the mouse keeps its live value while another tab moves it; it takes the shared value when let go", async () => {
    const a = await openTab(browser, ex.url);
    const b = await openTab(browser, ex.url);
    const box = (await a.locator("#shared_slider input").boundingBox())!;
    await a.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await a.mouse.down(); // the thumb jumps to the middle (5) and A sends it
    await b.waitForFunction(() => document.querySelector("#shared_slider_output")?.textContent === "5");
    await a.waitForFunction(() => !document.querySelector("[data-dd-pending]"));
    await slide(b, "shared_slider", 2);
    await a.waitForFunction(() => document.querySelector("#shared_slider_output")?.textContent === "2");
    // still held: the server's value is in the attribute, the thumb stays under the mouse
    expect(
      await a.evaluate(() => {
        const el = document.querySelector("#shared_slider input") as HTMLInputElement;
        return [el.value, el.getAttribute("value")];
      }),
    ).toEqual(["5", "2"]);
    await a.mouse.up();
    await a.waitForFunction(() => (document.querySelector("#shared_slider input") as HTMLInputElement).value === "2");
  });
});
