// example3 and example3a in two tabs: logins are per tab; example3a's admin sees who is logged in,
// live, and the list follows logins, logouts and closed tabs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { hasChromium, useBrowser, runExample, type ExampleProcess } from "../helpers/browser.ts";

const browser = useBrowser(); // this file's Chromium (see test/helpers/browser.ts)

async function open(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('#dd-status[data-state="connected"]');
  await page.waitForSelector("#username");
  return page;
}

async function login(p: Page, user: string, pw: string) {
  await p.locator("#username").fill(user);
  await p.locator("#password").fill(pw);
  await p.locator("#submit").click();
}

describe.skipIf(!hasChromium)("example3", () => {
  let ex: ExampleProcess;
  beforeAll(async () => {
    ex = await runExample("examples/example3.ts");
  });
  afterAll(() => ex?.stop());

  test("a wrong login shows the hint and clears both boxes; a right one logs in this tab only", async () => {
    const a = await open(ex.url);
    const b = await open(ex.url);
    await login(a, "username", "nope");
    await a.waitForFunction(() => document.querySelector("#message")?.textContent?.startsWith("Incorrect"));
    expect(await a.locator("#message").textContent()).toBe('Incorrect (hint: username="username", password="password")');
    expect(await a.locator("#username").inputValue()).toBe("");
    expect(await a.locator("#password").inputValue()).toBe("");
    await login(a, "username", "password");
    await a.waitForSelector("text=You've successfully logged in!");
    await b.waitForTimeout(100);
    expect(await b.locator("#username").count()).toBe(1);
    expect(await b.locator("text=You've successfully logged in!").count()).toBe(0);
    await a.locator("#logout").click();
    await a.waitForSelector("#username");
    expect(await a.locator("#username").inputValue()).toBe("");
    await a.close();
    await b.close();
  });
});

describe.skipIf(!hasChromium)("example3a", () => {
  let ex: ExampleProcess;
  beforeAll(async () => {
    ex = await runExample("examples/example3a.ts");
  });
  afterAll(() => ex?.stop());

  test("the admin's list follows the other tab's login, logout and close, live", async () => {
    const a = await open(ex.url);
    const b = await open(ex.url);
    await login(a, "admin", "admin");
    await a.waitForFunction(() => document.querySelector("#admin_content")?.textContent?.includes("admin: "));
    const lines = () => a.locator("#admin_content > div").allTextContents();
    expect((await lines()).filter((l) => l.startsWith("user:"))).toHaveLength(0);
    await login(b, "username", "password");
    await a.waitForFunction(() => [...document.querySelectorAll("#admin_content > div")].some((d) => d.textContent!.startsWith("user: ")));
    // the user tab never receives the admin list
    await b.waitForSelector("text=You've successfully logged in!");
    expect(await b.locator("#admin_content").textContent()).toBe("");
    await b.locator("#logout").click();
    await a.waitForFunction(() => ![...document.querySelectorAll("#admin_content > div")].some((d) => d.textContent!.startsWith("user: ")));
    await login(b, "username", "password");
    await a.waitForFunction(() => [...document.querySelectorAll("#admin_content > div")].some((d) => d.textContent!.startsWith("user: ")));
    await b.close();
    await a.waitForFunction(() => ![...document.querySelectorAll("#admin_content > div")].some((d) => d.textContent!.startsWith("user: ")));
    expect((await lines())[0]).toBe("Users currently logged in:");
    await a.close();
  });
});
