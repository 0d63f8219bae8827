// H1 in the page: a tab the server closes over a budget (code 1008) says why in its connection
// badge ("closed by the server: too many invalid messages") and does not reconnect in a loop.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type App, dcc, html, Input, Output } from "../../src/index.ts";
import { hasChromium, useBrowser, openTab } from "../helpers/browser.ts";
import { startApp, type TestServer } from "../helpers/server.ts";

const browser = useBrowser(); // this file's Chromium (see test/helpers/browser.ts)
let srv: TestServer;
let http: TestServer;
const build = (app: App) => {
  app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 10, value: 1 }), html.Div({ id: "o" })]);
  app.callbackShared(Output("o", "children"), Input("s", "value"), (v) => `v${v}`);
};
beforeAll(async () => {
  if (!hasChromium) return;
  srv = await startApp(build);
  http = await startApp(build, { serverService: "http" });
});
afterAll(async () => {
  await srv?.stop();
  await http?.stop();
});

test.skipIf(!hasChromium)(
  "H1: a tab closed for too many invalid messages shows the reason and stays closed",
  async () => {
    const page = await browser.newPage();
    // Keep every WebSocket the page opens, so the test can send through htmx's own socket and count reconnects.
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const opened: WebSocket[] = ((window as unknown as { __sockets: WebSocket[] }).__sockets = []);
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          opened.push(this);
        }
      } as typeof WebSocket;
    });
    await page.goto(srv.url);
    await page.waitForSelector('#dd-status[data-state="connected"]');
    const other = await openTab(browser, srv.url);
    await page.evaluate(() => {
      const ws = (window as unknown as { __sockets: WebSocket[] }).__sockets.at(-1)!;
      for (let i = 0; i < 100; i++) ws.send("{not json");
    });
    await page.waitForFunction(
      () => document.getElementById("dd-status")?.textContent === "closed by the server: too many invalid messages",
    );
    expect(await page.getAttribute("#dd-status", "data-state")).toBe("lost");
    // hx-ws would reconnect within ~250 ms (with jitter) for the codes it retries; 1008 is not one
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.length)).toBe(1);
    expect(srv.app.clients.size).toBe(1); // only the other tab
    expect(await other.getAttribute("#dd-status", "data-state")).toBe("connected");
    await page.close();
    await other.close();
  },
  30_000,
);

test.skipIf(!hasChromium)(
  "H1 over the HTTP service: the stream's last event gives the reason; the badge says it and hx-sse does not reconnect",
  async () => {
    const page = await browser.newPage();
    // The stream's hello carries the secret that names this tab in its posts (as the glue keeps it).
    await page.addInitScript(() => {
      document.addEventListener("dd", (e) => {
        const f = JSON.parse((e as CustomEvent<{ data: string }>).detail.data) as { hello?: { secret: string } };
        if (f.hello) (window as unknown as { __secret: string }).__secret = f.hello.secret;
      });
    });
    let streams = 0;
    page.on("request", (r) => {
      if (r.url().includes("/_dd/events")) streams++;
    });
    await page.goto(http.url);
    await page.waitForSelector('#dd-status[data-state="connected"]');
    const other = await openTab(browser, http.url);
    // Posts naming an id the page does not have: messages no correct page sends.
    await page.evaluate(async () => {
      const secret = (window as unknown as { __secret: string }).__secret;
      for (let i = 0; i < 40; i++)
        await fetch("_dd/update", {
          method: "POST",
          headers: { "DD-Client": secret, "content-type": "application/json" },
          body: JSON.stringify({ nosuch: i }),
        });
    });
    await page.waitForFunction(
      () => document.getElementById("dd-status")?.textContent === "closed by the server: too many invalid messages",
    );
    expect(await page.getAttribute("#dd-status", "data-state")).toBe("lost");
    // hx-sse reconnects an ended stream after 250 ms here (reconnectDelay); a closed one it does not
    await page.waitForTimeout(1500);
    expect(streams).toBe(1);
    expect(http.app.clients.size).toBe(1); // only the other tab
    expect(await other.getAttribute("#dd-status", "data-state")).toBe("connected");
    await page.close();
    await other.close();
  },
  30_000,
);
