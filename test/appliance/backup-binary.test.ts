// Backups from a compiled executable, as on a device: --backup while it runs, the /admin download
// (its copy runs on a Worker made from a Blob, and the console's modules load on first use: both
// must work inside the executable), --restore refused while it runs, then done once it stopped.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, until } from "../helpers/server.ts";
import { login, tab } from "../helpers/admin.ts";
import { decode } from "../helpers/ws-client.ts";

const home = mkdtempSync(join(tmpdir(), "dd-backup-bin-"));
const bin = join(home, "gadget");
const data = join(home, "data");
let proc: ReturnType<typeof Bun.spawn> | undefined;
let out = "";
let base = "";

beforeAll(() => {
  const r = Bun.spawnSync(["bun", "run", "scripts/build.ts", "examples/example1.ts", "--outdir", home, "--name", "gadget"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (r.exitCode !== 0) throw new Error(r.stderr.toString() + r.stdout.toString());
  Bun.spawnSync(["mv", join(home, "gadget-linux-x64"), bin]);
  chmodSync(bin, 0o755);
  const admin = Bun.spawnSync([bin, "--data-dir", data, "--create-admin", "owner"], {
    stdin: new TextEncoder().encode("owner-password\n"),
    stdout: "pipe",
    stderr: "pipe",
  });
  if (admin.exitCode !== 0) throw new Error(admin.stderr.toString());
}, 120000);
afterAll(async () => {
  proc?.kill();
  await proc?.exited;
  rmSync(home, { recursive: true, force: true });
});

const run = (...args: string[]) =>
  Bun.spawnSync([bin, "--data-dir", data, ...args], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });

test("a compiled app backs up while it runs (console and /admin) and restores once stopped", async () => {
  const port = freePort();
  base = `http://127.0.0.1:${port}`;
  proc = Bun.spawn([bin, "--data-dir", data, "--port", String(port), "--host", "127.0.0.1"], {
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "" },
  });
  void (async () => {
    for await (const c of proc!.stderr as ReadableStream<Uint8Array>) out += new TextDecoder().decode(c);
  })();
  expect(await until(() => out.includes("server.listening"), 15000)).toBe(true);

  const fromCli = join(home, "cli.sqlite");
  const b = run("--backup", fromCli);
  expect(b.exitCode).toBe(0);

  const cookie = await login(base, "owner", "owner-password");
  const adm = await tab({ url: base }, "/admin/ws", cookie);
  await adm.waitFor((t) => t.text("admin_me") !== undefined, 10000);
  await adm.waitAck(adm.send("maint_backup", {}, "button"));
  await adm.waitFor((t) => /href="[^"]*backup\?token=/.test(t.dom.get("maint_status") ?? ""));
  const link = decode(/href="([^"]+)"/.exec(adm.dom.get("maint_status")!)![1]!);
  adm.close();
  const res = await fetch(`${base}${link}`, { headers: { cookie, referer: `${base}/admin/` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-disposition")).toMatch(/filename="example-1-\d{8}-\d{6}\.sqlite"/);
  const downloaded = join(home, "admin.sqlite");
  writeFileSync(downloaded, new Uint8Array(await res.arrayBuffer()));
  const copy = new Database(downloaded, { readonly: true });
  expect((copy.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
  expect((copy.query("SELECT username FROM users").all() as { username: string }[]).map((u) => u.username)).toEqual(["owner"]);
  // the console's backup (taken later) has the CLI's backup in its audit log
  expect((copy.query("SELECT count(*) AS n FROM audit_log WHERE action = 'admin.backup'").get() as { n: number }).n).toBe(1);
  copy.close();

  const refused = run("--restore", downloaded);
  expect(refused.exitCode).toBe(3);
  expect(refused.stderr.toString()).toContain("[DD_DB_IN_USE]");

  proc.kill("SIGTERM");
  await proc.exited;
  const restored = run("--restore", downloaded);
  expect(restored.stderr.toString()).toBe("");
  expect(restored.exitCode).toBe(0);
  expect(existsSync(join(data, "dash-devices.sqlite.before-restore"))).toBe(true);
}, 60000);
