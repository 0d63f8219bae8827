import { afterEach, beforeEach, expect, test } from "bun:test";
import { audit, auditMany, pruneAudit, queryAudit } from "../../src/db/audit.ts";
import { openTempDb, type TempDb } from "./temp-db.ts";

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.dispose());

const T0 = Date.UTC(2030, 0, 1);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** 30 entries, one a minute: logins by ana and bob, value changes, an admin action. */
function seed(): void {
  for (let i = 0; i < 30; i++) {
    const who = i % 2 === 0 ? { userId: 1, username: "Ana" } : { userId: 2, username: "bob" };
    const action = i % 3 === 0 ? "login.ok" : i % 3 === 1 ? "value.change" : "login.failed";
    audit(t.db, { action, actor: { ...who, ip: `192.168.1.${i}`, clientId: `c${i}` }, target: `t${i}`, detail: { n: i }, time: at(i) });
  }
  audit(t.db, { action: "admin.role", actor: { userId: 1, username: "Ana" }, target: "50%_off", detail: { to: "operator" }, time: at(30) });
}

test("audit returns the id and the row is readable at once", () => {
  const id = audit(t.db, { action: "client.connect", actor: { clientId: "c1", ip: "10.0.0.2" }, target: "tab" });
  const { rows, total } = queryAudit(t.db);
  expect(total).toBe(1);
  expect(rows[0]).toMatchObject({
    id,
    action: "client.connect",
    clientId: "c1",
    ip: "10.0.0.2",
    target: "tab",
    actorUserId: null,
    detail: null,
  });
});

test("pages newest first with a total", () => {
  seed();
  const p1 = queryAudit(t.db, { page: 1, pageSize: 10 });
  expect(p1.total).toBe(31);
  expect(p1.pages).toBe(4);
  expect(p1.rows.map((r) => r.target)).toEqual(["50%_off", ...Array.from({ length: 9 }, (_, k) => `t${29 - k}`)]);
  const p4 = queryAudit(t.db, { page: 4, pageSize: 10 });
  expect(p4.rows.map((r) => r.target)).toEqual(["t0"]);
  expect(queryAudit(t.db, { page: 5, pageSize: 10 }).rows).toEqual([]);
  // every row appears exactly once across the pages
  const all = [1, 2, 3, 4].flatMap((page) => queryAudit(t.db, { page, pageSize: 10 }).rows.map((r) => r.id));
  expect(new Set(all).size).toBe(31);
});

test("ties in time keep a stable newest-first order by id", () => {
  const ids = [1, 2, 3].map((i) => audit(t.db, { action: "x", target: `${i}`, time: at(0) }));
  expect(queryAudit(t.db).rows.map((r) => r.id)).toEqual(ids.reverse());
});

test("filters: action (exact and prefix), actor (id or name, any case), time range, text", () => {
  seed();
  expect(queryAudit(t.db, { action: "login.ok" }).total).toBe(10);
  expect(queryAudit(t.db, { action: "login.*" }).total).toBe(20);
  expect(queryAudit(t.db, { action: "login" }).total).toBe(0);
  expect(queryAudit(t.db, { actor: 2 }).total).toBe(15);
  expect(queryAudit(t.db, { actor: "ANA" }).total).toBe(16);
  const range = queryAudit(t.db, { since: at(10), until: at(20) });
  expect(range.total).toBe(10);
  expect(range.rows.map((r) => r.target)).toEqual(Array.from({ length: 10 }, (_, k) => `t${19 - k}`));
  expect(queryAudit(t.db, { text: "192.168.1.17" }).rows.map((r) => r.target)).toEqual(["t17"]);
  expect(queryAudit(t.db, { text: "operator" }).rows.map((r) => r.action)).toEqual(["admin.role"]); // in detail
  // LIKE wildcards in the search text are literal
  expect(queryAudit(t.db, { text: "50%_" }).total).toBe(1);
  expect(queryAudit(t.db, { text: "%" }).total).toBe(1);
  expect(queryAudit(t.db, { text: "_" }).total).toBe(1);
  // combined
  expect(queryAudit(t.db, { action: "login.*", actor: "bob", since: at(20) }).rows.map((r) => r.target)).toEqual([
    "t29",
    "t27",
    "t23",
    "t21",
  ]);
});

test("page and pageSize are clamped to sane values", () => {
  seed();
  const q = queryAudit(t.db, { page: -3, pageSize: 100_000 });
  expect(q.page).toBe(1);
  expect(q.pageSize).toBe(500);
  expect(q.rows.length).toBe(31);
});

test("detail keys that look like credentials are redacted", () => {
  audit(t.db, { action: "x", detail: { password: "hunter22", nested: { sessionToken: "abc", ok: 1 }, list: [{ secret: "s" }] } });
  const row = queryAudit(t.db).rows[0]!;
  expect(row.detail).toEqual({ password: "[redacted]", nested: { sessionToken: "[redacted]", ok: 1 }, list: [{ secret: "[redacted]" }] });
  expect(JSON.stringify(t.sqlite.query("SELECT * FROM audit_log").all())).not.toContain("hunter22");
});

test("pruneAudit deletes old entries only", () => {
  seed();
  expect(pruneAudit(t.db, at(9))).toBe(10);
  expect(queryAudit(t.db).total).toBe(21);
});

test("the audit indexes are used for newest-first paging and the filters", () => {
  const plan = (sql: string) => JSON.stringify(t.sqlite.query(`EXPLAIN QUERY PLAN ${sql}`).all());
  expect(plan("SELECT * FROM audit_log ORDER BY time DESC, id DESC LIMIT 50")).toContain("audit_time_idx");
  expect(plan("SELECT * FROM audit_log WHERE action = 'login.ok' ORDER BY time DESC LIMIT 50")).toContain("audit_action_time_idx");
  expect(plan("SELECT * FROM audit_log WHERE lower(actor_username) = lower('ana') ORDER BY time DESC LIMIT 50")).toContain(
    "audit_actor_name_time_idx",
  );
  expect(plan("SELECT * FROM audit_log WHERE actor_user_id = 3 ORDER BY time DESC LIMIT 50")).toContain("audit_actor_id_time_idx");
});

test("auditMany writes the same rows as audit, in order", () => {
  const entries = [
    {
      action: "client.connect",
      actor: { userId: 7, username: "ana", sessionId: "s1", clientId: "c1", ip: "10.0.0.2" },
      target: "app",
      detail: { userAgent: "UA", password: "x" },
      time: at(1),
    },
    { action: "client.disconnect", actor: { clientId: "c2" }, target: "app", time: at(2) },
    { action: "x".repeat(600), target: null, detail: { deep: [1, { token: "t" }] }, time: at(3) },
  ];
  for (const e of entries) audit(t.db, e);
  const one = queryAudit(t.db).rows.map(({ id: _, ...r }) => r);
  t.sqlite.run("DELETE FROM audit_log");
  auditMany(t.db, entries);
  const many = queryAudit(t.db).rows.map(({ id: _, ...r }) => r);
  expect(many).toEqual(one);
  expect(many.map((r) => r.time.getTime())).toEqual([at(3), at(2), at(1)].map((d) => d.getTime()));
  expect(many[2]!.detail).toEqual({ userAgent: "UA", password: "[redacted]" });
  expect(many[0]!.action.length).toBe(512);
});

test("auditMany is all or nothing", () => {
  t.sqlite.run("CREATE TRIGGER no_bad BEFORE INSERT ON audit_log WHEN NEW.target = 'bad' BEGIN SELECT RAISE(ABORT, 'bad'); END");
  expect(() =>
    auditMany(t.db, [
      { action: "a", target: "ok" },
      { action: "b", target: "bad" },
    ]),
  ).toThrow();
  expect(queryAudit(t.db).total).toBe(0);
});
