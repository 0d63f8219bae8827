// M8 (issue 10, "Trusted on a LAN"): a clientside callback writes attributes in every tab, from
// values another tab may have set. A shared "javascript:..." value became a link's href in the
// other tabs. The browser now filters URLs and styles by the server's rules (safeUrl, styleToCss)
// and refuses on* attributes; here the two filters are run on one table of tricky inputs (the
// server's in bun, the browser's in Chromium), and two real tabs share a hostile value.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { safeUrl, styleToCss } from "../../src/core/component.ts";
import { hasChromium, useBrowser, openTab } from "../helpers/browser.ts";
import { startApp, type TestServer } from "../helpers/server.ts";

const URLS: unknown[] = [
  "javascript:alert(1)",
  "JavaScript:alert(1)",
  " javascript:alert(1)",
  "\tjavascript:alert(1)",
  "java\tscript:alert(1)",
  "java\nscript:alert(1)",
  "java\rscript:alert(1)",
  "\x00javascript:alert(1)",
  "javascript\x7f:alert(1)",
  "\x01javascript:alert(1)",
  "\u00a0javascript:alert(1)",
  "\u2028javascript:alert(1)",
  "\ufeffjavascript:alert(1)",
  "javascript&colon;alert(1)",
  "&#106;avascript:alert(1)",
  "vbscript:msgbox(1)",
  "data:text/html,<script>alert(1)</script>",
  "data:image/svg+xml;base64,PHN2Zz4=",
  "data:image/png;base64,iVBORw0KGgo=",
  "DATA:IMAGE/GIF;base64,R0lGOD",
  "https://example.com/a?b=1#c",
  "HTTP://EXAMPLE.COM",
  "  https://example.com/padded  ",
  "mailto:someone@example.com",
  "tel:+123456",
  "/relative/path",
  "//evil.example/x",
  "./here",
  "../up",
  "#fragment",
  "?q=1",
  "dir/file:with-colon",
  "x:y",
  "ftp://example.com/",
  "",
  "   ",
  42,
  null,
  true,
];

const STYLES = [
  "color: red",
  "background:url(javascript:alert(1));color:red",
  "background: URL( 'javascript:alert(1)' ); color: blue",
  "width: expression(alert(1))",
  "@import 'https://evil.example/x.css'; margin: 0",
  "color:red;}body{display:none",
  "content:'\\61'",
  "<style>",
  ";;color:blue;;",
  "",
];

const orNull = (xs: unknown[]) => xs.map((x) => (x === undefined ? null : x));

const browser = useBrowser(); // this file's Chromium (see test/helpers/browser.ts)

describe.skipIf(!hasChromium)("M8: clientside callbacks write attributes by the server's URL and style rules", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startApp((app) => {
      app.layout = html.Div([
        dcc.Input({ id: "url", type: "text", value: "#start" }),
        html.A("the link", { id: "link", href: "#" }),
        html.Div({ id: "echo" }),
      ]);
      // "url" is shared: what one tab types, every tab gets, and their clientside callback runs.
      app.callbackShared(Output("echo", "children"), Input("url", "value"), (v: unknown) => `url: ${v}`);
      app.clientsideCallback(
        "(u) => [u, 'document.title = \"pwned\"', 'background:url(javascript:alert(1));color:red', 'pwned']",
        [Output("link", "href"), Output("link", "onclick"), Output("link", "style"), Output("link", "onmouseover")],
        Input("url", "value"),
      );
    });
  });
  afterAll(() => s?.stop());

  test("M8: the browser's filters agree with the server's on a table of tricky inputs", async () => {
    const page = await openTab(browser, s.url);
    const browserUrls = await page.evaluate(
      (xs) =>
        xs.map((x) => (window as unknown as { dash_clientside: { safeUrl(u: unknown): unknown } }).dash_clientside.safeUrl(x) ?? null),
      URLS,
    );
    expect(browserUrls).toEqual(orNull(URLS.map(safeUrl)));
    const browserStyles = await page.evaluate(
      (xs) => xs.map((x) => (window as unknown as { dash_clientside: { safeStyle(s: unknown): unknown } }).dash_clientside.safeStyle(x)),
      STYLES,
    );
    expect(browserStyles).toEqual(STYLES.map(styleToCss));
    // the table is not vacuous: both kinds of answer occur
    expect(browserUrls.filter((u) => u === null).length).toBeGreaterThan(10);
    expect(browserUrls.filter((u) => u !== null).length).toBeGreaterThan(10);
    await page.close();
  });

  test("M8: a javascript: value typed in one tab is no link in the other; on* attributes are refused", async () => {
    const a = await openTab(browser, s.url);
    const b = await openTab(browser, s.url);
    const link = (p: Page) =>
      p.evaluate(() => {
        const el = document.getElementById("link")!;
        return {
          href: el.getAttribute("href"),
          onclick: el.getAttribute("onclick"),
          onmouseover: el.getAttribute("onmouseover"),
          style: el.getAttribute("style"),
        };
      });

    await a.fill("#url", "https://example.com/ok");
    await b.waitForFunction(() => document.getElementById("echo")?.textContent === "url: https://example.com/ok");
    await b.waitForFunction(() => document.getElementById("link")?.getAttribute("href") === "https://example.com/ok");

    for (const evil of ["javascript:document.title='pwned'", "  JAVA\tSCRIPT:document.title='pwned'"]) {
      await a.fill("#url", evil);
      await b.waitForFunction((v) => document.getElementById("echo")?.textContent === `url: ${v}`, evil);
      await b.waitForFunction(() => !document.getElementById("link")?.hasAttribute("href"));
      for (const p of [a, b]) {
        const l = await link(p);
        expect(l.href).toBeNull();
        expect(l.onclick).toBeNull();
        expect(l.onmouseover).toBeNull();
        expect(l.style).toBe("color:red;");
      }
    }
    await b.click("#link");
    expect(await b.title()).not.toBe("pwned");
    await a.close();
    await b.close();
  });
});
