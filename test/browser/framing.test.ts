// Issue 10, part A, in a real Chromium: M4 (a page on another origin cannot frame the app or
// /admin: clickjacking) and M3 (a browser that resolves evil.example to the device, as DNS
// rebinding makes it, gets the refusal page, not the app, and its socket changes nothing).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { html, dcc, Input, Output } from "../../src/index.ts";
import { hasChromium, openTab, useBrowser } from "../helpers/browser.ts";
import { addUser, login, startDbApp, type DbServer } from "../helpers/admin.ts";
import { until } from "../helpers/server.ts";

// This file's Chromium, where evil.example resolves to this machine, as a rebinding DNS server would make it.
const browser = useBrowser(["--host-resolver-rules=MAP evil.example 127.0.0.1"]);
let s: DbServer;
const device: number[] = [];
/** Another site: a page on another origin that frames whatever it is asked to. */
let other: ReturnType<typeof Bun.serve> | undefined;

beforeAll(async () => {
  if (!hasChromium) return;
  s = await startDbApp((app) => {
    app.layout = html.Div([dcc.Slider({ id: "level", min: 0, max: 100, value: 10 }), html.Div({ id: "shown" })]);
    app.callbackShared(Output("shown", "children"), Input("level", "value"), (v: number) => {
      device.push(v);
      return `level ${v}`;
    });
  });
  await addUser(s.db, "boss", "admin");
  other = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      const src = new URL(req.url).searchParams.get("src") ?? "";
      return new Response(`<!doctype html><title>another site</title><iframe id="f" src="${src}" width="600" height="400"></iframe>`, {
        headers: { "content-type": "text/html" },
      });
    },
  });
});
afterAll(async () => {
  await s?.dispose();
  other?.stop(true);
});

describe.skipIf(!hasChromium)("framing and rebinding in Chromium", () => {
  test("M4: a page on another origin cannot frame the app, /admin or /login (even logged in)", async () => {
    const ctx = await browser.newContext();
    try {
      // Logged in as an admin: the framed /admin would be the live console.
      const cookie = await login(s.url, "boss");
      const [name, value] = cookie.split("=") as [string, string];
      await ctx.addCookies([{ name, value, url: s.url }]);
      const page = await ctx.newPage();
      for (const path of ["/", "/admin/", "/login"]) {
        const clientsBefore = s.app.clients.size;
        await page.goto(`http://localhost:${other!.port}/?src=${encodeURIComponent(s.url + path)}`, { waitUntil: "load" });
        const frame = page.frames().find((f) => f !== page.mainFrame())!;
        // The frame's navigation can be reported just after "load" (it was seen as "" once, loaded).
        await until(() => frame.url() !== "", 5000);
        // Chromium replaces a frame it refuses to show with its own error page.
        expect([path, frame.url()]).toEqual([path, expect.stringMatching(/^chrome-error:/)]);
        expect(await frame.evaluate(() => document.getElementById("dd-root"))).toBeNull();
        expect(s.app.clients.size).toBe(clientsBefore);
      }
      // The app itself still works under its own policy (htmx, the socket, the glue).
      const tab = await openTab(browser, s.url);
      await tab.waitForSelector("#shown:has-text('level')");
      await tab.close();
    } finally {
      await ctx.close();
    }
  });

  test("M3: Chromium resolving evil.example to the device gets the refusal page, and its socket cannot change the shared value", async () => {
    const page = await browser.newPage();
    try {
      const port = new URL(s.url).port;
      const res = await page.goto(`http://evil.example:${port}/`);
      expect(res!.status()).toBe(421);
      // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node: innerText is the text the user sees
      const text = await page.locator("body").innerText();
      expect(text).toContain("DD_BAD_HOST");
      expect(text).toContain(`evil.example:${port}`);
      expect(text).toContain("--allowed-hosts evil.example");
      expect(await page.locator("#dd-root").count()).toBe(0);
      // The attacker's script on that origin opens the socket itself.
      const opened = await page.evaluate(
        (url) =>
          new Promise<boolean>((resolve) => {
            const ws = new WebSocket(url);
            ws.onopen = () => {
              ws.send(JSON.stringify({ level: "99", headers: { "HX-Source": "div#level", "DD-Seq": "1" } }));
              ws.onmessage = (m) => String(m.data).includes('"ack":1') && resolve(true);
            };
            ws.onerror = () => resolve(false);
          }),
        `ws://evil.example:${port}/ws`,
      );
      expect(opened).toBe(false);
      expect(device).not.toContain(99);
      expect(await until(() => s.log.some((l) => l.includes("host.refused")))).toBe(true);
    } finally {
      await page.close();
    }
  });
});
