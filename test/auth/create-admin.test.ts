import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { verifyPassword } from "../../src/auth/users.ts";
import { databasePathIn, openDatabase } from "../../src/db/open.ts";
import { tempDir } from "../db/temp-db.ts";

const script = resolve(import.meta.dir, "../../scripts/create-admin.ts");
const dataDir = join(tempDir("dd-cli-"), "data");
afterAll(() => rmSync(resolve(dataDir, ".."), { recursive: true, force: true }));

function run(args: string[], stdin: string) {
  const r = Bun.spawnSync(["bun", script, ...args], { stdin: Buffer.from(stdin), stdout: "pipe", stderr: "pipe" });
  return { code: r.exitCode, out: r.stdout.toString() + r.stderr.toString() };
}

async function check(username: string, password: string) {
  const store = openDatabase({ path: databasePathIn(dataDir) });
  try {
    return await verifyPassword(store.db, username, password);
  } finally {
    store.close();
  }
}

test("creates an admin in --data-dir with the password from stdin, never printing it", async () => {
  const r = run(["--username", "owner", "--data-dir", dataDir], "s3cret-horse-battery\n");
  expect(r.code, r.out).toBe(0);
  expect(r.out).toContain("created admin owner");
  expect(r.out).not.toContain("s3cret-horse-battery");
  expect((await check("owner", "s3cret-horse-battery"))?.role).toBe("admin");
});

test("refuses a taken name, and --reset sets a new password", async () => {
  const again = run(["--username", "OWNER", "--data-dir", dataDir], "another-password\n");
  expect(again.code).toBe(1);
  expect(again.out).toContain("DD_USER_EXISTS");
  const reset = run(["--username", "owner", "--data-dir", dataDir, "--reset"], "another-password\n");
  expect(reset.code, reset.out).toBe(0);
  expect(reset.out).toContain("reset admin owner");
  expect(await check("owner", "s3cret-horse-battery")).toBeNull();
  expect((await check("owner", "another-password"))?.role).toBe("admin");
});

test("a weak password or a missing --username is refused with a clear message", () => {
  const weak = run(["--username", "x2", "--data-dir", dataDir], "abc\n");
  expect(weak.code).toBe(1);
  expect(weak.out).toContain("DD_BAD_PASSWORD");
  expect(weak.out).not.toContain("abc\n");
  const missing = run(["--data-dir", dataDir], "whatever-password\n");
  expect(missing.code).toBe(2);
  expect(missing.out).toContain("--username is required");
});
