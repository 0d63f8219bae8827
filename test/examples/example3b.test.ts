// example3b: the in-page login form against real accounts (app.loginTab), as a user runs it.
import { beforeAll, expect, test } from "bun:test";
import type { WsClient } from "../helpers/ws-client.ts";
import { useExample, useTabs } from "../helpers/fixtures.ts";
import { openDatabase, databasePathIn } from "../../src/db/open.ts";
import { createUser } from "../../src/auth/users.ts";

const ex = useExample("examples/example3b.ts", { dataDir: true });
const tabs = useTabs(ex);
beforeAll(async () => {
  const db = openDatabase({ path: databasePathIn(ex.dir) });
  await createUser(db.db, { username: "ana", password: "correct horse battery", role: "admin" });
  await createUser(db.db, { username: "bob", password: "battery staple horse", role: "operator" });
  db.close();
});

async function tab() {
  const t = await tabs.open();
  await t.waitFor((c) => (c.dom.get("content") ?? "").includes("username"));
  return t;
}
async function login(t: WsClient, u: string, p: string) {
  t.set("username", u, "input");
  t.set("password", p, "input");
  await t.click("submit");
}

test("a wrong password is refused; real accounts log in; the admin sees who is logged in, live", async () => {
  const a = await tab();
  await login(a, "ana", "nope");
  await a.waitText("message", "wrong username or password.");
  await login(a, "ana", "correct horse battery");
  await a.waitFor((c) => (c.text("content") ?? "").includes("logged in as ana (admin)"));
  const b = await tab();
  await login(b, "bob", "battery staple horse");
  await b.waitFor((c) => (c.text("content") ?? "").includes("as bob (operator)"));
  await a.waitFor((c) => (c.text("admin_content") ?? "").includes("operator: bob"));
  expect(b.dom.get("admin_content") ?? "").not.toContain("ana");
  b.close();
  await a.waitFor((c) => !(c.text("admin_content") ?? "").includes("bob"));
});
