// example3b: the in-page login form against real accounts (app.loginTab), as a user runs it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExample, type ExampleProcess } from "../helpers/browser.ts";
import { WsClient } from "../helpers/ws-client.ts";
import { openDatabase, databasePathIn } from "../../src/db/open.ts";
import { createUser } from "../../src/auth/users.ts";

const dir = mkdtempSync(join(tmpdir(), "dd-3b-"));
let ex: ExampleProcess;
beforeAll(async () => {
  ex = await runExample("examples/example3b.ts", { DATA_DIR: dir });
  const db = openDatabase({ path: databasePathIn(dir) });
  await createUser(db.db, { username: "ana", password: "correct horse battery", role: "admin" });
  await createUser(db.db, { username: "bob", password: "battery staple horse", role: "operator" });
  db.close();
});
afterAll(() => ex.stop());

async function tab() {
  const page = await (await fetch(ex.url + "/")).text();
  const v = Number(/data-dd-version="(\d+)"/.exec(page)![1]);
  const t = await WsClient.connect(ex.url.replace("http", "ws") + "/ws", { version: v });
  await t.waitFor((c) => (c.dom.get("content") ?? "").includes("username"));
  return t;
}
async function login(t: WsClient, u: string, p: string) {
  t.set("username", u, "input");
  t.set("password", p, "input");
  await t.waitAck(t.send("submit", {}, "button"));
}

test("a wrong password is refused; real accounts log in; the admin sees who is logged in, live", async () => {
  const a = await tab();
  await login(a, "ana", "nope");
  await a.waitFor((c) => c.text("message") === "wrong username or password.");
  await login(a, "ana", "correct horse battery");
  await a.waitFor((c) => (c.text("content") ?? "").includes("logged in as ana (admin)"));
  const b = await tab();
  await login(b, "bob", "battery staple horse");
  await b.waitFor((c) => (c.text("content") ?? "").includes("as bob (operator)"));
  await a.waitFor((c) => (c.text("admin_content") ?? "").includes("operator: bob"));
  expect(b.dom.get("admin_content") ?? "").not.toContain("ana");
  b.close();
  await a.waitFor((c) => !(c.text("admin_content") ?? "").includes("bob"));
  a.close();
});
