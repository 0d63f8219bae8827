// Issue 11: before the first admin exists nobody can log in, so /login says where the one-time
// setup link is (the server's output, or --create-admin at the console); once an admin exists the
// hint is gone.
import { afterAll, expect, test } from "bun:test";
import { html } from "../../src/index.ts";
import { addUser, startDbApp, type DbServer } from "../helpers/admin.ts";

const servers: DbServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.dispose();
});

test("/login shows where the setup link is until an admin exists", async () => {
  const s = await startDbApp((app) => (app.layout = html.Div("hi")));
  servers.push(s);
  const first = await (await fetch(`${s.url}/login`)).text();
  expect(first).toContain("no admin account exists yet");
  expect(first).toContain("setup.needed");
  expect(first).toContain("--create-admin");
  expect(s.log.some((l) => l.includes("setup.needed"))).toBe(true);

  await addUser(s.db, "owner", "admin");
  const later = await (await fetch(`${s.url}/login`)).text();
  expect(later).not.toContain("no admin account exists yet");
  expect(later).toContain('name="password"');
});
