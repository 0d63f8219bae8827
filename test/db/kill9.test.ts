import { afterAll, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { queryAudit } from "../../src/db/audit.ts";
import { openDatabase } from "../../src/db/open.ts";
import { lookupSession } from "../../src/auth/sessions.ts";
import { auditLog } from "../../src/db/schema.ts";
import { inArray } from "drizzle-orm";
import { tempDir } from "./temp-db.ts";

// Nothing lost: a server killed with SIGKILL in the middle of writing keeps every row it had
// committed, and the file is intact.
const dir = tempDir("dd-kill-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("sessions and audit rows committed before a kill -9 are all there, and the file is intact", async () => {
  const path = join(dir, "data", "dash-devices.sqlite");
  const child = Bun.spawn(["bun", resolve(import.meta.dir, "fixtures/writer.ts"), path], { stdout: "pipe", stderr: "pipe" });
  const sessions = new Map<string, string>(); // id -> token
  const audits = new Map<number, number>(); // audit id -> i
  let pending = "";
  let killed = false;
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop()!; // an incomplete line was not fully reported: it does not count
    for (const line of lines) {
      const [kind, a, b] = line.split(" ");
      if (kind === "S") sessions.set(a!, b!);
      else if (kind === "A") audits.set(Number(a), Number(b));
    }
    if (!killed && audits.size >= 500) {
      child.kill("SIGKILL"); // mid-stream: the child never stops writing by itself
      killed = true;
    }
  }
  await child.exited;
  expect(killed, await new Response(child.stderr).text()).toBe(true);
  expect(child.signalCode).toBe("SIGKILL");
  expect(audits.size).toBeGreaterThanOrEqual(500);
  expect(existsSync(path + "-wal")).toBe(true); // the kill left an un-checkpointed WAL behind

  const store = openDatabase({ path });
  try {
    expect(store.sqlite.query("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
    for (const [id, token] of sessions) {
      const s = lookupSession(store.db, token);
      expect(s?.id).toBe(id);
    }
    const ids = [...audits.keys()];
    const rows = store.db.select().from(auditLog).where(inArray(auditLog.id, ids)).all();
    expect(rows.length).toBe(ids.length);
    for (const r of rows) expect(r.detail).toEqual({ i: audits.get(r.id)! });
    expect(queryAudit(store.db, { action: "test.write" }).total).toBeGreaterThanOrEqual(ids.length);
  } finally {
    store.close();
  }
}, 60_000);
