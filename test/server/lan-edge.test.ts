// Issue 10, part A ("Trusted on a LAN"): the HTTP edge, against a real server on a free port.
// M3 DNS rebinding (Host allow-list, trusted proxy), M4 security headers on every response, H2
// bodies read with a limit, M2 open redirect, L2 one error handler, L4 cookie per port, L7 CLI errors.
import { describe, expect, test } from "bun:test";
import { hostname, networkInterfaces } from "node:os";
import { App, html, dcc, Input, Output } from "../../src/index.ts";
import { memoryLogger } from "../../src/core/log.ts";
import { serve } from "../../src/server/serve.ts";
import { safeNext } from "../../src/server/access.ts";
import { parseCli } from "../../src/server/cli.ts";
import { queryAudit } from "../../src/db/audit.ts";
import { until } from "../helpers/server.ts";
import { addUser, cookieOf, post, upgradeStatus } from "../helpers/admin.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

/** A shared slider whose value every tab and the "device" see. */
function sliderApp(app: App, device: number[] = []): void {
  app.layout = html.Div([dcc.Slider({ id: "level", min: 0, max: 100, value: 10 }), html.Div({ id: "shown" })]);
  app.callbackShared(Output("shown", "children"), Input("level", "value"), (v: number) => {
    device.push(v);
    return `level ${v}`;
  });
}

const portOf = (s: { url: string }) => new URL(s.url).port;

interface Ask {
  path: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** A request to the server at 127.0.0.1 that names another Host (as a rebinding browser does). */
const asHost = (s: { url: string }, host: string, o: Ask) =>
  fetch(s.url + o.path, { redirect: "manual", method: o.method, body: o.body, headers: { host, ...o.headers } });

/** Sends `total` bytes as a chunked body (no Content-Length); counts what the server pulled. */
async function chunkedPost(
  url: string,
  headers: Record<string, string>,
  total = 32 * 1024 * 1024,
): Promise<{ status: number; text: string; pulled: number }> {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(97); // "aaaa...": one huge form field name
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (pulled >= total) return c.close();
      pulled += chunk.length;
      c.enqueue(chunk);
    },
  });
  const res = await fetch(url, { method: "POST", body, duplex: "half", redirect: "manual", headers } as RequestInit);
  return { status: res.status, text: await res.text(), pulled };
}

describe("M3: the Host allow-list (DNS rebinding)", () => {
  const device: number[] = [];
  const s = useApp((app) => sliderApp(app, device), { database: true });
  const tabs = useTabs(s);

  test("M3: pages, assets, forms, /admin, /login, /setup and socket upgrades with a foreign Host get 421 naming it and the option", async () => {
    const evil = `evil.example:${portOf(s)}`;
    const origin = `http://${evil}`;
    const asked: [string, Ask][] = [
      ["page", { path: "/", headers: { accept: "text/html" } }],
      ["asset", { path: "/_dd/htmx.js" }],
      ["admin", { path: "/admin/" }],
      ["login page", { path: "/login" }],
      ["setup", { path: "/setup?token=x" }],
      [
        "login form",
        {
          path: "/login",
          method: "POST",
          body: "username=a&password=b",
          headers: { origin, "content-type": "application/x-www-form-urlencoded" },
        },
      ],
      [
        "update",
        { path: "/_dd/update", method: "POST", body: "level=5", headers: { origin, "content-type": "application/x-www-form-urlencoded" } },
      ],
      ["events", { path: "/_dd/events" }],
    ];
    for (const [what, init] of asked) {
      const res = await asHost(s, evil, init);
      const body = await res.text();
      expect([what, res.status]).toEqual([what, 421]);
      expect(body).toContain("DD_BAD_HOST");
      expect(body).toContain(evil);
      expect(body).toContain("--allowed-hosts evil.example");
    }
    const up = await upgradeStatus(s, "/ws", { host: evil, origin });
    expect(up.status).toBe(421);
    expect((await upgradeStatus(s, "/admin/ws", { host: evil, origin })).status).toBe(421);
    // The refusal names no address or name of the device: the rebinding page can read it.
    const page = await (await asHost(s, evil, { path: "/", headers: { accept: "text/html" } })).text();
    expect(page.toLowerCase()).not.toContain(hostname().toLowerCase());
    expect(s.log.some((l) => l.includes("host.refused") && l.includes("evil.example"))).toBe(true);
  });

  test("M3: a WebSocket with Host and Origin evil.example is refused and does not change the shared value", async () => {
    const evil = `evil.example:${portOf(s)}`;
    // Opened, it would send level=99 and wait for the ack (the change applied).
    const attacked = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(s.wsUrl, { headers: { host: evil, origin: `http://${evil}` } } as unknown as string[]);
      ws.onopen = () => ws.send(JSON.stringify({ level: "99", headers: { "HX-Source": "div#level", "DD-Seq": "1" } }));
      ws.onmessage = (m) => {
        if (String(m.data).includes('"ack":1')) {
          ws.close();
          resolve(true);
        }
      };
      ws.onerror = () => resolve(false);
      ws.onclose = () => resolve(false);
    });
    expect(attacked).toBe(false);
    const t = await tabs.open({ version: 0 });
    await t.waitFor((x) => x.frames.length > 0);
    expect(t.text("dd-root")).toContain("level 10");
    expect(device).not.toContain(99);
  });

  test("M3: the device's own names work on any port: IP addresses, localhost, [::1], hostname, HOSTNAME.local", async () => {
    const short = hostname().toLowerCase().split(".")[0]!;
    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => (a!.family === "IPv6" ? `[${a!.address.split("%")[0]}]` : a!.address));
    for (const name of ["127.0.0.1", "localhost", "[::1]", short, `${short}.local`, "LOCALHOST.", ...addresses.slice(0, 3)]) {
      for (const host of [name, `${name}:${portOf(s)}`, `${name}:8080`]) {
        const res = await asHost(s, host, { path: "/" });
        expect([host, res.status]).toEqual([host, 200]);
      }
    }
  });
});

describe("M3: --allowed-hosts, * and a trusted reverse proxy", () => {
  const [srv, proxied, direct] = [useApp(), useApp(), useApp()];
  const tabs = useTabs(proxied);
  const directTabs = useTabs(direct);

  test("M3: allowedHosts adds names (with a port, or a .domain); the rest stay refused; * lets any through with a warning", async () => {
    const s = await srv.start(sliderApp, { allowedHosts: ["gadget.example.org", "cam.lan:8443", ".devices.example"] });
    for (const [host, status] of [
      ["gadget.example.org", 200],
      ["GADGET.example.org:5000", 200],
      ["cam.lan:8443", 200],
      ["cam.lan:8080", 421],
      ["pi.devices.example", 200],
      ["devices.example.evil", 421],
      ["evil.example", 421],
    ] as const) {
      expect([host, (await asHost(s, host, { path: "/" })).status]).toEqual([host, status]);
    }
    const open = await srv.start(sliderApp, { allowedHosts: ["*"] });
    expect((await asHost(open, "evil.example", { path: "/" })).status).toBe(200);
    expect(open.log.some((l) => l.includes("host.check_off"))).toBe(true);
    expect(() => new App({ allowedHosts: ["http://gadget/"] })).toThrow("DD_BAD_OPTION");
  });

  test("M3: --allowed-hosts / ALLOWED_HOSTS and --trust-proxy / TRUST_PROXY=1 on the command line", () => {
    expect(parseCli(["--allowed-hosts", "a.example,b.example:81", "--trust-proxy"], {})).toMatchObject({
      allowedHosts: ["a.example", "b.example:81"],
      trustProxy: true,
    });
    expect(parseCli([], { ALLOWED_HOSTS: "gadget.lan", TRUST_PROXY: "1" })).toMatchObject({
      allowedHosts: ["gadget.lan"],
      trustProxy: true,
    });
    expect(parseCli([], {}).trustProxy).toBe(false);
    expect(() => parseCli(["--allowed-hosts", "https://gadget.lan/x"], {})).toThrow("give the name without the scheme: gadget.lan");
    // Flags an app defines itself, even ones that look like ours, are left alone.
    expect(() => parseCli(["--prot", "5", "--hots", "x"], {})).not.toThrow();
  });

  test("M3: behind a trusted proxy the client's address is X-Forwarded-For's (clients, audit, login limits) and X-Forwarded-Host is checked", async () => {
    // The public name must be allowed: a proxy may pass on any Host it is sent.
    await proxied.start(sliderApp, { database: true, trustProxy: true, allowedHosts: ["gadget.example.org"] });
    await direct.start(sliderApp, { database: true });
    const via = { "x-forwarded-for": "6.6.6.6, 203.0.113.7", "x-forwarded-host": "gadget.example.org", "x-forwarded-proto": "https" };
    const t = await tabs.open({ version: 0, headers: { origin: "https://gadget.example.org", ...via } });
    await until(() => proxied.app.clients.size === 1);
    expect([...proxied.app.clients][0]!.ip).toBe("203.0.113.7"); // the proxy's own entry, not the client's claim
    t.close();
    const res = await fetch(`${proxied.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { ...via, origin: "https://gadget.example.org", "content-type": "application/x-www-form-urlencoded" },
      body: "username=nobody&password=wrong-password",
    });
    expect(res.status).toBe(401);
    expect(queryAudit(proxied.db, { action: "login.failed" }).rows.map((r) => r.ip)).toContain("203.0.113.7");
    // The name the browser used is the forwarded one: a rebinding name behind the proxy is refused.
    expect((await fetch(`${proxied.url}/`, { headers: { "x-forwarded-host": "evil.example" } })).status).toBe(421);
    // https at the proxy: the session cookie is Secure.
    await addUser(proxied.db, "op", "operator");
    const ok = await fetch(`${proxied.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { ...via, origin: "https://gadget.example.org", "content-type": "application/x-www-form-urlencoded" },
      body: "username=op&password=op-password",
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("set-cookie")).toContain("; Secure");

    // Without --trust-proxy the headers are the client's word: ignored.
    await directTabs.open({ version: 0, headers: via });
    await until(() => direct.app.clients.size === 1);
    expect([...direct.app.clients][0]!.ip).toBe("127.0.0.1");
  });
});

describe("M4: security headers on every response", () => {
  const s = useApp(sliderApp, { database: true, access: "login" });
  const h = useApp(
    (app) => {
      sliderApp(app);
      app.clientsideCallback("(v) => v", Output("shown", "title"), Input("level", "value"));
    },
    { serverService: "http" },
  );

  const check = (what: string, res: Response) => {
    const csp = res.headers.get("content-security-policy") ?? "";
    expect([what, csp]).toEqual([what, expect.stringContaining("frame-ancestors 'self'")]);
    const script = /script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    expect([what, script.split(" ")[0]]).toEqual([what, "'self'"]);
    expect(script).not.toContain("unsafe-inline");
    expect([what, res.headers.get("x-frame-options")]).toEqual([what, "SAMEORIGIN"]);
    expect([what, res.headers.get("x-content-type-options")]).toEqual([what, "nosniff"]);
    expect([what, res.headers.get("referrer-policy")]).toEqual([what, "same-origin"]);
  };

  test("M4: pages, assets, 404s, redirects, 401/403/413/421, the login page, /admin and the event stream carry CSP, X-Frame-Options, nosniff, Referrer-Policy", async () => {
    const get = (base: string, path: string, init: RequestInit = {}) => fetch(base + path, { redirect: "manual", ...init });
    check("redirect to /login", await get(s.url, "/"));
    check("login page", await get(s.url, "/login"));
    check("admin redirect", await get(s.url, "/admin/"));
    check("asset", await get(s.url, "/_dd/dash-devices.css"));
    check(
      "asset 304",
      await get(s.url, "/_dd/htmx.js", { headers: { "if-none-match": (await get(s.url, "/_dd/htmx.js")).headers.get("etag")! } }),
    );
    check("404", await get(s.url, "/nothing-here"));
    check("asset 404", await get(s.url, "/_dd/nothing.js"));
    check("setup 410", await get(s.url, "/setup?token=nope"));
    check("cross-site form", await post(s.url, "/login", { username: "a" }, { origin: "http://evil.example" }));
    check(
      "socket 401",
      await get(s.url, "/ws", {
        headers: {
          connection: "Upgrade",
          upgrade: "websocket",
          "sec-websocket-version": "13",
          "sec-websocket-key": btoa("0123456789abcdef"),
        },
      }),
    );
    check("421", await get(s.url, "/", { headers: { host: "evil.example" } }));
    check(
      "413",
      await get(s.url, "/login", {
        method: "POST",
        body: "x".repeat(20000),
        headers: { origin: s.url, "content-type": "application/x-www-form-urlencoded" },
      }),
    );
    check("app page", await get(h.url, "/"));
    const events = new AbortController();
    const stream = await get(h.url, "/_dd/events", { signal: events.signal });
    check("event stream", stream);
    events.abort();
    // The page of an app with clientside callbacks may compile them (new Function), and only that page.
    expect((await get(h.url, "/")).headers.get("content-security-policy")).toContain("'unsafe-eval'");
    expect((await get(s.url, "/login")).headers.get("content-security-policy")).not.toContain("'unsafe-eval'");
  });
});

describe("H2: bodies are read with a limit", () => {
  const s = useApp(sliderApp, { database: true });
  const h = useApp(sliderApp, { serverService: "http", maxMessageBytes: 4096 });

  test("H2: a chunked body to /login, /setup or /_dd/update (no Content-Length) is cut at the limit with 413, not read whole", async () => {
    const form = { origin: s.url, "content-type": "application/x-www-form-urlencoded" };
    for (const path of ["/login", "/setup"]) {
      const r = await chunkedPost(`${s.url}${path}`, form);
      expect([path, r.status]).toEqual([path, 413]);
      expect(r.text).toContain("[DD_TOO_LARGE]");
      expect(r.text).toContain("at most 16384 bytes");
      expect(r.pulled).toBeLessThan(32 * 1024 * 1024); // the server stopped reading
    }
    // /_dd/update needs a live event stream: its hello carries the tab's secret.
    const events = new AbortController();
    const res = await fetch(`${h.url}/_dd/events`, { signal: events.signal });
    const reader = res.body!.getReader();
    let text = "";
    while (!/"secret":"([^"]+)"/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    const secret = /"secret":"([^"]+)"/.exec(text)![1]!;
    const r = await chunkedPost(`${h.url}/_dd/update`, {
      "content-type": "application/x-www-form-urlencoded",
      "DD-Client": secret,
      "HX-Source": "div#level",
      "DD-Seq": "1",
    });
    expect(r.status).toBe(413);
    expect(r.text).toContain("at most 4096 bytes");
    expect(r.pulled).toBeLessThan(32 * 1024 * 1024);
    // A declared length over the limit is refused before anything is read; a normal post still works.
    const big = await post(s.url, "/login", { username: "x".repeat(17000), password: "y" });
    expect(big.status).toBe(413);
    const ok = await fetch(`${h.url}/_dd/update`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "DD-Client": secret, "HX-Source": "div#level", "DD-Seq": "2" },
      body: "level=42",
    });
    expect(ok.status).toBe(204);
    events.abort();
  });
});

describe("M2: next= stays on this site", () => {
  const s = useApp(sliderApp, { database: true, users: { op: "operator" } });

  test("M2: safeNext refuses tab/newline/backslash tricks and anything that resolves off-site", () => {
    for (const bad of [
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "//evil.example",
      "/\\evil.example",
      "/.//evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil",
      "",
    ]) {
      expect([bad, safeNext(bad)]).toEqual([bad, "/"]);
    }
    expect(safeNext("/admin/?tab=users#x")).toBe("/admin/?tab=users#x");
    expect(safeNext("/a/../b")).toBe("/b");
    expect(safeNext("/%09/evil.example")).toBe("/%09/evil.example"); // still a path on this host
  });

  test("M2: POST /login with next=/%09/evil.example redirects to this site, and /login?next= renders no off-site link", async () => {
    const res = await fetch(`${s.url}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: s.url, "content-type": "application/x-www-form-urlencoded" },
      body: "username=op&password=op-password&next=/%09/evil.example",
    });
    expect(res.status).toBe(303);
    const to = new URL(res.headers.get("location")!, s.url);
    expect(to.origin).toBe(new URL(s.url).origin);
    const page = await (await fetch(`${s.url}/login?next=/%09/evil.example`)).text();
    expect(page).toContain('name="next" value="/"');
  });
});

describe("L2: one error handler for every route", () => {
  test("L2: a route that throws answers a generic 500 without the exception's text, and the error is logged with its stack", async () => {
    const log = memoryLogger();
    const server = await serve([], {
      host: "127.0.0.1",
      port: 0,
      log,
      routes: (app) =>
        app.get("/boom", () => {
          throw new Error("secret-detail /var/lib/db.sqlite");
        }),
    });
    try {
      const res = await fetch(`${server.url}/boom`, { headers: { accept: "text/html" } });
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).not.toContain("secret-detail");
      expect(body).toContain("the details are in its log");
      const line = log.lines.find((l) => l.includes("http.error"));
      expect(line).toContain("secret-detail");
      expect(line).toContain("/boom");
      expect(line).toMatch(/at .*lan-edge\.test\.ts/); // the stack
    } finally {
      await server.stop();
    }
  });
});

describe("L4: the session cookie is per port", () => {
  const a = useApp(sliderApp, { database: true, users: { boss: "admin" } });
  const b = useApp(sliderApp, { database: true, users: { boss: "admin" } });

  test("L4: the cookie is named dd_session_<port>; two apps on one host keep separate sessions", async () => {
    const ca = await a.login("boss");
    const cb = await b.login("boss");
    expect(ca.startsWith(`dd_session_${portOf(a)}=`)).toBe(true);
    expect(cb.startsWith(`dd_session_${portOf(b)}=`)).toBe(true);
    // A browser sends both cookies to both ports: each app reads only its own.
    const both = `${ca}; ${cb}`;
    expect((await fetch(`${a.url}/admin/`, { redirect: "manual", headers: { cookie: both } })).status).toBe(200);
    expect((await fetch(`${b.url}/admin/`, { redirect: "manual", headers: { cookie: ca } })).status).toBe(303);
    // The old name is not read any more.
    const token = ca.split("=")[1]!;
    expect((await fetch(`${a.url}/admin/`, { redirect: "manual", headers: { cookie: `dd_session=${token}` } })).status).toBe(303);
    expect(cookieOf(await post(a.url, "/logout", {}, { cookie: ca }))).toBe("");
  });
});

describe("L7: command-line errors", () => {
  test("L7: a bad flag prints one line (and the fix) and exits 2, with no stack trace or source", () => {
    for (const args of [["--port", "eighty"], ["--allowed-hosts", "http://x/"], ["--log-format", "xml"], ["--i2c-bus"]]) {
      const r = Bun.spawnSync(["bun", "examples/example1.ts", ...args], {
        env: { PATH: process.env.PATH ?? "", DATA_DIR: "/nonexistent-dd-test" },
        stdout: "pipe",
        stderr: "pipe",
      });
      const err = r.stderr.toString();
      const lines = err.trimEnd().split("\n");
      expect([args, r.exitCode]).toEqual([args, 2]);
      expect(lines[0]).toMatch(/^error: \[DD_BAD_OPTION\] /);
      expect(lines.length).toBeLessThanOrEqual(2);
      if (lines[1]) expect(lines[1]).toMatch(/^ {2}fix: /);
      expect(err).not.toContain("    at ");
    }
  });
});
