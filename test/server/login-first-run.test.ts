// Issue 11: before the first admin exists nobody can log in, so /login says where the one-time
// setup link is (the server's output, or --create-admin at the console); once an admin exists the
// hint is gone.
import { expect, test } from "bun:test";
import { html } from "../../src/index.ts";
import { addUser } from "../helpers/admin.ts";
import { useApp } from "../helpers/fixtures.ts";

const s = useApp((app) => (app.layout = html.Div("hi")), { database: true });

test("/login shows where the setup link is until an admin exists", async () => {
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
