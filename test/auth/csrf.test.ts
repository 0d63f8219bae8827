import { describe, expect, test } from "bun:test";
import { assertCsrfToken, csrfToken, isSameOrigin, loadCsrfSecret, verifyCsrfToken } from "../../src/auth/csrf.ts";
import { openDatabase } from "../../src/db/open.ts";
import { openTempDb, useTempDb } from "../db/temp-db.ts";
import { thrown } from "../helpers/errors.ts";

describe("CSRF tokens", () => {
  const t = useTempDb();

  test("are per session, checked in constant time, and forgeries fail", () => {
    const secret = loadCsrfSecret(t.db);
    expect(secret.length).toBe(32);
    const a = csrfToken(secret, "session-a");
    expect(csrfToken(secret, "session-a")).toBe(a);
    expect(csrfToken(secret, "session-b")).not.toBe(a);
    expect(verifyCsrfToken(secret, "session-a", a)).toBe(true);
    expect(verifyCsrfToken(secret, "session-b", a)).toBe(false);
    expect(verifyCsrfToken(secret, "session-a", a.slice(0, -1))).toBe(false);
    expect(verifyCsrfToken(secret, "session-a", a.slice(0, -1) + (a.endsWith("A") ? "B" : "A"))).toBe(false);
    for (const bad of ["", undefined, null, 42, [a]]) expect(verifyCsrfToken(secret, "session-a", bad)).toBe(false);
    expect(verifyCsrfToken(Buffer.alloc(32, 1), "session-a", a)).toBe(false);
  });

  test("assertCsrfToken throws DD_CSRF without echoing the tokens", () => {
    const secret = loadCsrfSecret(t.db);
    const good = csrfToken(secret, "s1");
    const forged = csrfToken(Buffer.alloc(32), "s1");
    expect(() => assertCsrfToken(secret, "s1", good)).not.toThrow();
    const err = thrown(() => assertCsrfToken(secret, "s1", forged));
    expect(err.code).toBe("DD_CSRF");
    expect(err.message).not.toContain(forged);
    expect(err.message).not.toContain(good);
  });

  test("the secret is made once and survives a restart; another database has another", () => {
    const first = loadCsrfSecret(t.db);
    expect(loadCsrfSecret(t.db).equals(first)).toBe(true);
    t.close();
    const again = openDatabase({ path: t.path });
    expect(loadCsrfSecret(again.db).equals(first)).toBe(true);
    again.close();
    const other = openTempDb();
    expect(loadCsrfSecret(other.db).equals(first)).toBe(false);
    other.dispose();
  });
});

describe("isSameOrigin", () => {
  const req = (headers: Record<string, string>, url = "http://gadget.local:5000/login") => new Request(url, { method: "POST", headers });

  test("accepts an Origin naming this host, in any case", () => {
    expect(isSameOrigin(req({ host: "gadget.local:5000", origin: "http://gadget.local:5000" }))).toBe(true);
    expect(isSameOrigin(req({ host: "Gadget.Local:5000", origin: "http://gadget.LOCAL:5000" }))).toBe(true);
    expect(isSameOrigin(req({ host: "192.168.1.20:5000", origin: "http://192.168.1.20:5000" }))).toBe(true);
    expect(isSameOrigin(req({ host: "gadget.local:80", origin: "http://gadget.local" }))).toBe(true);
    expect(isSameOrigin(req({ host: "gadget.local", origin: "https://gadget.local:443" }))).toBe(true);
    expect(isSameOrigin(req({ host: "[::1]:5000", origin: "http://[::1]:5000" }))).toBe(true);
  });

  test("refuses another host, another port, Origin null, and a non-http origin", () => {
    expect(isSameOrigin(req({ host: "gadget.local:5000", origin: "http://evil.example" }))).toBe(false);
    expect(isSameOrigin(req({ host: "gadget.local:5000", origin: "http://gadget.local:6000" }))).toBe(false);
    expect(isSameOrigin(req({ host: "gadget.local:5000", origin: "http://gadget.local.evil.example:5000" }))).toBe(false);
    expect(isSameOrigin(req({ host: "gadget.local:5000", origin: "null" }))).toBe(false);
    expect(isSameOrigin(req({ host: "gadget.local:5000", origin: "file://gadget.local:5000" }))).toBe(false);
  });

  test("falls back to the Referer only when there is no Origin; neither is a refusal", () => {
    expect(isSameOrigin(req({ host: "gadget.local:5000", referer: "http://gadget.local:5000/admin?x=1" }))).toBe(true);
    expect(isSameOrigin(req({ host: "gadget.local:5000", referer: "http://evil.example/page" }))).toBe(false);
    expect(isSameOrigin(req({ host: "gadget.local:5000", origin: "http://evil.example", referer: "http://gadget.local:5000/" }))).toBe(
      false,
    );
    expect(isSameOrigin(req({ host: "gadget.local:5000" }))).toBe(false);
  });

  test("allowedOrigins and a trusted proxy's X-Forwarded-Host", () => {
    const proxied = req({ host: "127.0.0.1:5000", origin: "https://gadget.example.org", "x-forwarded-host": "gadget.example.org" });
    expect(isSameOrigin(proxied)).toBe(false);
    expect(isSameOrigin(proxied, { trustProxy: true })).toBe(true);
    expect(isSameOrigin(proxied, { allowedOrigins: ["https://gadget.example.org"] })).toBe(true);
    expect(isSameOrigin(req({ host: "gadget.local:5000", origin: "http://evil.example", "x-forwarded-host": "evil.example" }))).toBe(false);
  });

  test("allowedHosts refuses a DNS-rebinding page whose Origin matches its own Host", () => {
    const rebound = req({ host: "evil.example:5000", origin: "http://evil.example:5000" });
    expect(isSameOrigin(rebound)).toBe(true); // Origin == Host: only a host list can tell
    expect(isSameOrigin(rebound, { allowedHosts: ["gadget.local:5000", "192.168.1.20:5000"] })).toBe(false);
    expect(
      isSameOrigin(req({ host: "gadget.local:5000", origin: "http://gadget.local:5000" }), { allowedHosts: ["Gadget.local:5000"] }),
    ).toBe(true);
  });

  test("works on a WebSocket upgrade request", () => {
    const up = (origin: string) =>
      new Request("http://gadget.local:5000/ws", { headers: { host: "gadget.local:5000", origin, upgrade: "websocket" } });
    expect(isSameOrigin(up("http://gadget.local:5000"))).toBe(true);
    expect(isSameOrigin(up("http://attacker.example"))).toBe(false);
  });
});
