// The /admin console in Chromium, against a real server with its database in a temp dir: an admin
// logs in through the login page, sees their own app tab in the console, watches a second browser's
// tab appear live and disconnects it (whose badge then says so), messages every tab, creates a
// user, changes its role, deletes it, and finds the login and all of it in the audit log.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BrowserContext, Page } from "playwright-core";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { findUserByUsername } from "../../src/auth/users.ts";
import { audit } from "../../src/db/audit.ts";
import { hasChromium, useBrowser } from "../helpers/browser.ts";
import { addUser, startDbApp, type DbServer } from "../helpers/admin.ts";

/** Where the screenshot of the console goes (for a human to look at). */
export const SCREENSHOT = join(process.env.DD_SCREENSHOT_DIR ?? tmpdir(), "dd-admin-console.png");

const browser = useBrowser(); // this file's Chromium (see test/helpers/browser.ts)
let s: DbServer;
beforeAll(async () => {
  if (!hasChromium) return;
  s = await startDbApp(
    (app) => {
      app.layout = html.Div([
        html.H1("Thermostat"),
        dcc.Slider({ id: "setpoint", min: 50, max: 90, value: 70 }),
        html.Div({ id: "shown" }),
      ]);
      app.callbackShared(Output("shown", "children"), Input("setpoint", "value"), (t) => `${t} °F`);
    },
    { title: "Thermostat" },
  );
  await addUser(s.db, "root", "admin", "root-password");
});
afterAll(async () => {
  await s?.dispose();
});

async function connected(p: Page, url: string): Promise<Page> {
  await p.goto(url);
  await p.waitForSelector('#dd-status[data-state="connected"]');
  return p;
}

const row = (p: Page, text: string) => p.locator("#tabs_pick label", { hasText: text });
const userRow = (p: Page, name: string) => p.locator(`#users_table tr[data-user="${name}"]`);

describe.skipIf(!hasChromium)("/admin console", () => {
  let admin: BrowserContext;
  let appTab: Page;
  let consoleTab: Page;

  test("log in as admin and see your own app tab in the console", async () => {
    admin = await browser.newContext({ viewport: { width: 1320, height: 900 } });
    appTab = await admin.newPage();
    await appTab.goto(`${s.url}/login?next=/`);
    await appTab.locator('input[name="username"]').fill("root");
    await appTab.locator('input[name="password"]').fill("root-password");
    await appTab.locator('button[type="submit"]').click();
    await appTab.waitForURL(`${s.url}/`);
    await appTab.waitForSelector('#dd-status[data-state="connected"]');

    consoleTab = await connected(await admin.newPage(), `${s.url}/admin/`);
    await consoleTab.waitForSelector("#admin_me >> text=signed in as");
    expect(await row(consoleTab, "root").count()).toBe(1);
    expect(await consoleTab.locator("#tabs_count").textContent()).toBe("1 tab");
  });

  test("a second browser's tab appears live; disconnected from the console, it goes and its badge says why", async () => {
    const other = await browser.newContext();
    const visitor = await connected(await other.newPage(), `${s.url}/`);
    await row(consoleTab, "anonymous").waitFor();
    expect(await consoleTab.locator("#tabs_count").textContent()).toBe("2 tabs");

    await row(consoleTab, "anonymous").click();
    await consoleTab.waitForSelector("#tabs_selected >> text=anonymous");
    await consoleTab.waitForSelector("#tabs_kick:not([disabled])");
    await consoleTab.locator("#tabs_kick").click();
    await visitor.waitForSelector('#dd-status[data-state="lost"]');
    expect(await visitor.locator("#dd-status").textContent()).toBe("disconnected by the server");
    await row(consoleTab, "anonymous").waitFor({ state: "detached" });
    await consoleTab.waitForSelector("#tabs_status >> text=Disconnected tab");
    expect(await consoleTab.locator("#tabs_count").textContent()).toBe("1 tab");
    await other.close();
  });

  test("a message to every tab shows as a toast in the app tab", async () => {
    await consoleTab.locator("#msg_text").fill("Maintenance at noon");
    await consoleTab.locator("#msg_send").click();
    const toast = appTab.locator(".dd-toast-info", { hasText: "Maintenance at noon" });
    await toast.waitFor();
    await consoleTab.waitForSelector("#tabs_status >> text=Message sent to 1 tab");
    expect(await consoleTab.locator("#msg_text").inputValue()).toBe("");
  });

  test("create a user, change its role, delete it", async () => {
    const c = consoleTab;
    await c.locator("#new_username").fill("carol");
    await c.locator("#new_password").fill("carol-password");
    await c.locator("#new_role").selectOption("operator");
    await c.locator("#user_create").click();
    await c.waitForSelector("#users_status >> text=Created carol (operator).");
    await userRow(c, "carol").locator("text=operator").waitFor();
    expect(await c.locator("#new_username").inputValue()).toBe("");
    expect(findUserByUsername(s.db, "carol")?.role).toBe("operator");

    await c.locator("#user_pick").selectOption({ label: "carol (operator)" });
    await c.waitForSelector("#user_info >> text=carol");
    await c.locator('#user_role input[value="viewer"]').check();
    await c.locator("#user_setrole").click();
    await c.waitForSelector("#users_status >> text=carol is now viewer (was operator).");
    await userRow(c, "carol").locator("text=viewer").waitFor();
    expect(findUserByUsername(s.db, "carol")?.role).toBe("viewer");

    await c.locator("#user_delete").click();
    await c.waitForSelector("#users_status >> text=again to delete carol");
    expect(findUserByUsername(s.db, "carol")).not.toBeNull(); // one click only asks
    await c.locator("#user_delete").click();
    await c.waitForSelector("#users_status >> text=Deleted carol.");
    await userRow(c, "carol").waitFor({ state: "detached" });
    expect(findUserByUsername(s.db, "carol")).toBeNull();
  });

  test("a screenshot of the console", async () => {
    const c = consoleTab;
    const extra = await browser.newContext();
    await connected(await extra.newPage(), `${s.url}/`);
    await row(c, "anonymous").waitFor();
    await row(c, "root").click();
    await c.waitForSelector("#tabs_selected >> text=root");
    await c.screenshot({ path: SCREENSHOT, fullPage: true });
    await extra.close();
  });

  test("the audit log shows the login and every action, by the admin; filters and pages work", async () => {
    const c = consoleTab;
    const actions = () => c.locator("#audit_table tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-action")));
    await c.locator("#audit_actor").fill("root");
    await c.waitForFunction(() => [...document.querySelectorAll("#audit_table tbody tr")].every((tr) => tr.textContent!.includes("root")));
    for (const a of ["login.ok", "admin.disconnect", "admin.message", "user.create", "admin.role", "admin.user.delete"]) {
      await c.locator(`#audit_table tr[data-action="${a}"]`).first().waitFor();
    }
    const list = await actions();
    // newest first: the deletion came after the creation
    expect(list.indexOf("admin.user.delete")).toBeLessThan(list.indexOf("user.create"));

    await c.locator("#audit_action").fill("login.*");
    await c.waitForFunction(() =>
      [...document.querySelectorAll("#audit_table tbody tr")].every((tr) => tr.getAttribute("data-action")?.startsWith("login.")),
    );
    expect(await actions()).toEqual(["login.ok"]);
    expect(await c.locator("#audit_info").textContent()).toBe("Page 1 of 1 · 1 entry");

    // Paging, 25 entries a page: 30 entries written through the audit API make two pages.
    for (let i = 1; i <= 30; i++) audit(s.db, { action: "test.entry", target: `entry ${i}` });
    await c.locator("#audit_actor").fill("");
    await c.locator("#audit_action").fill("test.*");
    await c.waitForSelector("#audit_info >> text=Page 1 of 2 · 30 entries");
    expect(await c.locator("#audit_table tbody tr").first().textContent()).toContain("entry 30");
    expect(await c.locator("#audit_prev").isDisabled()).toBe(true);
    await c.locator("#audit_next").click();
    await c.waitForSelector("#audit_info >> text=Page 2 of 2 · 30 entries");
    expect(await c.locator("#audit_table tbody tr").count()).toBe(5);
    expect(await c.locator("#audit_table tbody tr").last().textContent()).toContain("entry 1");
    expect(await c.locator("#audit_next").isDisabled()).toBe(true);
    await c.locator("#audit_prev").click();
    await c.waitForSelector("#audit_info >> text=Page 1 of 2");
    await c.locator("#audit_text").fill("entry 7");
    await c.waitForSelector("#audit_info >> text=Page 1 of 1 · 1 entry");
    expect(await c.locator("#audit_prev").isDisabled()).toBe(true);
  });
});
