// The console's Maintenance section against a real server: "Back up now" in an admin tab (over
// its WebSocket) gives a one-time link; a GET of it with the admin's cookie downloads a SQLite
// copy of the live database, once, for that session only, from this site only; audited.
// POST /admin/update: admins only, same origin only, checked and staged for the updater.
import { beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { html } from "../../src/index.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { checkRestorable } from "../../src/db/backup.ts";
import { useApp, useTabs, useTempDir } from "../helpers/fixtures.ts";
import { decode } from "../helpers/ws-client.ts";

const scratch = useTempDir("dd-admin-backup-");
const staged = join(scratch, "update.bin");

beforeAll(() => {
  process.env.DD_UPDATE_FILE = staged; // as the installer's unit sets it: the updater watches this file
});
const s = useApp(
  (app) => {
    app.layout = html.Div("device");
  },
  { title: "Gadget Box", database: true, users: { owner: "admin", boss: "admin", viewer1: "viewer" } },
);
const tabs = useTabs(s);
let owner = "";
beforeAll(async () => {
  delete process.env.DD_UPDATE_FILE;
  owner = await s.login("owner");
});

/** Presses "Back up now" in an admin tab and returns the link it shows. */
async function backupLink(cookie: string): Promise<string> {
  const adm = await tabs.open({ path: "/admin/ws", cookie });
  await adm.waitFor((t) => t.text("admin_me") !== undefined);
  await adm.click("maint_backup");
  await adm.waitFor((t) => /href="[^"]*backup\?token=/.test(t.dom.get("maint_status") ?? ""));
  return decode(/href="([^"]+)"/.exec(adm.dom.get("maint_status")!)![1]!);
}

const get = (path: string, headers: Record<string, string>) => fetch(`${s.url}${path}`, { headers, redirect: "manual" });

describe("backup from /admin", () => {
  test("the page has the Maintenance section", async () => {
    const page = await (await get("/admin/", { cookie: owner })).text();
    expect(page).toContain('id="maintenance"');
    expect(page).toContain("Back up now");
  });

  test("Back up now gives a one-time link; the download is a SQLite copy of the live database, audited", async () => {
    const link = await backupLink(owner);
    expect(link).toMatch(/^\/admin\/backup\?token=[A-Za-z0-9_-]{32}$/);
    const res = await get(link, { cookie: owner, referer: `${s.url}/admin/` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.sqlite3");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="gadget-box-\d{8}-\d{6}\.sqlite"$/);
    const body = new Uint8Array(await res.arrayBuffer());
    const file = join(scratch, "download.sqlite");
    writeFileSync(file, body);
    const counts = checkRestorable(file);
    expect(counts.users).toBe(3);
    const copy = new Database(file, { readonly: true });
    expect((copy.query("SELECT username FROM users ORDER BY id").all() as { username: string }[]).map((u) => u.username)).toEqual([
      "owner",
      "boss",
      "viewer1",
    ]);
    copy.close();

    const entry = queryAudit(s.db, { action: "admin.backup" }).rows[0]!;
    expect(entry.actorUsername).toBe("owner");
    expect(entry.target).toMatch(/^gadget-box-\d{8}-\d{6}\.sqlite$/);
    expect(entry.detail?.bytes).toBe(body.byteLength);
    // No copy is left in the data directory.
    expect(readdirSync(s.dir).filter((f) => f.includes("backup"))).toEqual([]);

    // The same link a second time: refused.
    const again = await get(link, { cookie: owner, referer: `${s.url}/admin/` });
    expect(again.status).toBe(403);
    expect(await again.text()).toContain("[DD_NOT_AUTHORIZED] this backup link does not work");
  });

  test("a link works only in the session that asked for it, from this site, for an admin", async () => {
    const boss = await s.login("boss");
    const viewer = await s.login("viewer1");
    const link = await backupLink(owner);
    const referer = `${s.url}/admin/`;
    expect((await get(link, { cookie: viewer, referer })).status).toBe(403); // not an admin (the token is not used up)
    expect((await get(link, { referer })).status).toBe(401); // no session
    expect((await get(link, { cookie: owner })).status).toBe(403); // no Origin/Referer: not a click on this site
    expect((await get(link, { cookie: owner, referer: "http://evil.example/" })).status).toBe(403);
    expect((await get(link, { cookie: boss, referer })).status).toBe(403); // another admin's session: uses it up
    expect((await get(link, { cookie: owner, referer })).status).toBe(403);
    expect(queryAudit(s.db, { action: "admin.backup" }).total).toBe(1); // only the download above
  });

  test("a forged token is refused", async () => {
    const res = await get("/admin/backup?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", { cookie: owner, referer: `${s.url}/admin/` });
    expect(res.status).toBe(403);
  });
});

describe("update upload", () => {
  const post = (body: BodyInit, headers: Record<string, string>) =>
    fetch(`${s.url}/admin/update`, {
      method: "POST",
      body,
      headers: { "content-type": "application/octet-stream", ...headers },
      redirect: "manual",
    });

  test("admins only, same origin only", async () => {
    const viewer = await s.login("viewer1");
    expect((await post("x", { origin: s.url })).status).toBe(401);
    expect((await post("x", { origin: s.url, cookie: viewer })).status).toBe(403);
    expect((await post("x", { origin: "http://evil.example", cookie: owner })).status).toBe(403);
    expect((await post("x", { cookie: owner })).status).toBe(403);
    expect(existsSync(staged)).toBe(false);
  });

  test("a file that is not an executable of this CPU is refused, audited, and nothing is staged", async () => {
    const res = await post("#!/bin/sh\necho hi\n" + " ".repeat(100), { origin: s.url, cookie: owner });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("[DD_BAD_UPDATE]");
    // An ELF header of the other CPU (aarch64 on x64, x86-64 on arm64).
    const elf = new Uint8Array(4096);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    const view = new DataView(elf.buffer);
    view.setUint16(16, 2, true); // ET_EXEC
    view.setUint16(18, process.arch === "arm64" ? 0x3e : 0xb7, true);
    const other = await post(elf, { origin: s.url, cookie: owner });
    expect(other.status).toBe(422);
    expect(await other.text()).toContain("for another CPU");
    expect(existsSync(staged)).toBe(false);
    expect(existsSync(`${staged}.part`)).toBe(false);
    expect(queryAudit(s.db, { action: "admin.update.refused" }).total).toBe(2);
  });

  test("a compiled app is staged for the updater and audited", async () => {
    const src = join(scratch, "hello.ts");
    writeFileSync(src, "console.log('hello');\n");
    const out = join(scratch, "hello");
    const r = Bun.spawnSync([process.execPath, "build", "--compile", src, "--outfile", out], { stdout: "pipe", stderr: "pipe" });
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
    const res = await post(Bun.file(out), { origin: s.url, cookie: owner });
    const text = await res.text();
    expect(res.status).toBe(202);
    expect(text).toContain("The new executable is staged");
    expect(existsSync(staged)).toBe(true);
    expect(Bun.file(staged).size).toBe(Bun.file(out).size);
    const entry = queryAudit(s.db, { action: "admin.update" }).rows[0]!;
    expect(entry.actorUsername).toBe("owner");
    expect(entry.detail?.bytes).toBe(Bun.file(out).size);

    // The console's form: multipart with one file field, answered with a page.
    rmSync(staged);
    const form = new FormData();
    form.append("binary", Bun.file(out), "hello");
    const page = await fetch(`${s.url}/admin/update`, {
      method: "POST",
      body: form,
      headers: { origin: s.url, cookie: owner, accept: "text/html" },
    });
    expect(page.status).toBe(202);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("Update staged");
    expect(html).toContain('href="/admin/#maintenance"');
    expect(Buffer.from(await Bun.file(staged).arrayBuffer()).equals(Buffer.from(await Bun.file(out).arrayBuffer()))).toBe(true);

    // A form with the wrong field is refused with a page too, and nothing is staged.
    rmSync(staged);
    const wrong = new FormData();
    wrong.append("file", Bun.file(out), "hello");
    const refused = await fetch(`${s.url}/admin/update`, {
      method: "POST",
      body: wrong,
      headers: { origin: s.url, cookie: owner, accept: "text/html" },
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Update refused");
    expect(existsSync(staged)).toBe(false);
  }, 60000);

  test("the Maintenance section has the upload form when the app has an updater", async () => {
    const page = await (await get("/admin/", { cookie: owner })).text();
    expect(page).toMatch(/<form id="maint_upload"[^>]*method="post" action="\/admin\/update" enctype="multipart\/form-data">/);
    expect(page).toContain('<input type="file" name="binary" required>');
  });
});
