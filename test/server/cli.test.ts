// The command line, as a user runs an app: settings from flags and environment, the one-off
// actions, and clear errors.
import { expect, test } from "bun:test";
import { parseCli } from "../../src/server/cli.ts";
import { openDatabase, databasePathIn } from "../../src/db/open.ts";
import { listUsers } from "../../src/auth/users.ts";
import { freePort, until } from "../helpers/server.ts";
import { useTempDir } from "../db/temp-db.ts";

const dir = useTempDir("dd-cli-"); // --create-admin's data dir
const logDir = useTempDir("dd-log-");

test("flags beat environment variables; bad values name the flag and the fix", () => {
  const o = parseCli(["--port", "8080", "--i2c-bus=1", "--sim", "--log-format", "json"], {
    PORT: "9000",
    HOST: "127.0.0.1",
    GPIOCHIP: "4",
  });
  expect(o).toMatchObject({ port: 8080, host: "127.0.0.1", i2cBus: 1, gpiochip: 4, sim: true, logFormat: "json" });
  expect(() => parseCli(["--i2c-bus", "one"], {})).toThrow(/--i2c-bus is not a number/);
  expect(() => parseCli(["--log-format", "xml"], {})).toThrow(/must be "text" or "json"/);
  expect(() => parseCli(["--data-dir"], {})).toThrow(/--data-dir needs a value/);
  expect(parseCli(["--my-own-flag", "x"], {}).port).toBeUndefined(); // the app's own flags are left alone
});

test("--create-admin reads the password from stdin, creates the admin and exits", async () => {
  const p = Bun.spawn(["bun", "examples/example1.ts", "--create-admin", "owner", "--data-dir", dir], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  p.stdin.write("correct horse battery\n");
  p.stdin.end();
  expect(await p.exited).toBe(0);
  expect(await new Response(p.stdout).text()).toContain('created admin "owner"');
  const db = openDatabase({ path: databasePathIn(dir) });
  expect(listUsers(db.db).map((u) => [u.username, u.role])).toEqual([["owner", "admin"]]);
  db.close();
  const again = Bun.spawn(["bun", "examples/example1.ts", "--create-admin", "owner", "--data-dir", dir], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  again.stdin.write("correct horse battery\n");
  again.stdin.end();
  expect(await again.exited).toBe(1);
  expect(await new Response(again.stderr).text()).toContain("DD_USER_EXISTS");
}, 20000);

test("--log-format json writes one JSON object per line", async () => {
  const port = freePort();
  const p = Bun.spawn(
    ["bun", "examples/example1.ts", "--port", String(port), "--host", "127.0.0.1", "--log-format", "json", "--data-dir", logDir],
    { stdout: "pipe", stderr: "pipe" },
  );
  let err = "";
  void (async () => {
    for await (const c of p.stderr as ReadableStream<Uint8Array>) err += new TextDecoder().decode(c);
  })();
  await until(() => err.includes("server.listening"), 10000);
  p.kill();
  await p.exited;
  const lines = err.trim().split("\n").filter(Boolean);
  expect(lines.length).toBeGreaterThan(1);
  for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  expect(lines.map((l) => JSON.parse(l).event)).toContain("server.listening");
}, 20000);
