// TLS on the device: --tls self-signed makes a certificate for the device's names on first run,
// keeps it in the data dir (key 0600), reuses it, and logs its fingerprint; https pages, a wss
// socket, Secure cookies, /admin showing the fingerprint, and --http-redirect's 308 (with the
// Host check and security headers). Real clients: fetch and node:tls against the served
// certificate, Bun's WebSocket over wss, Chromium with --ignore-certificate-errors. And the
// certificate files a person gives (--tls-cert/--tls-key) are checked, with DD_TLS and the fix.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync, writeFileSync, rmSync } from "node:fs";
import { connect } from "node:tls";
import { X509Certificate } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, until } from "../helpers/server.ts";
import { thrown } from "../helpers/errors.ts";
import { hasChromium, launch, slide } from "../helpers/browser.ts";
import { createSelfSigned } from "../../src/server/x509.ts";
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY, loadTlsFiles, selfSignedTls } from "../../src/server/tls.ts";

const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Proc {
  out: () => string;
  lines: () => Record<string, unknown>[];
  exited: Promise<number>;
  stop(): Promise<void>;
}

/** Runs example1 as a user does, with JSON logs; resolves once it listens (or exits). */
async function run(args: string[]): Promise<Proc> {
  const p = Bun.spawn(["bun", "examples/example1.ts", "--log-format", "json", ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, PORT: "", HOST: "" },
  });
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) out += new TextDecoder().decode(c);
  };
  void pump(p.stdout);
  void pump(p.stderr);
  let done = false;
  void p.exited.then(() => (done = true));
  await until(() => done || out.includes('"server.listening"'), 20000);
  const lines = () =>
    out
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    out: () => out,
    lines,
    exited: p.exited,
    async stop() {
      p.kill("SIGTERM");
      await p.exited;
    },
  };
}

const event = (p: Proc, name: string) => p.lines().find((l) => l.event === name);
const insecure = { tls: { rejectUnauthorized: false } } as RequestInit;

/** The SHA-256 fingerprint of the certificate the server really presents. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port, rejectUnauthorized: false, servername: "localhost" }, () => {
      resolve(s.getPeerCertificate().fingerprint256.toUpperCase());
      s.end();
    });
    s.on("error", reject);
  });
}

describe("--tls self-signed", () => {
  const data = tmp("dd-tls-");
  const port = freePort();
  const redirect = freePort();
  const base = `https://127.0.0.1:${port}`;
  let app: Proc;
  afterAll(() => app?.stop());

  test("first run: a certificate for the device's names, key 0600, served and logged by the same fingerprint", async () => {
    app = await run([
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "--data-dir",
      data,
      "--tls",
      "self-signed",
      "--http-redirect",
      String(redirect),
    ]);
    const cert = event(app, "tls.certificate");
    expect(cert).toMatchObject({ source: "self-signed", created: true });
    const listening = event(app, "server.listening")!;
    expect(listening.url).toBe(base);
    expect(listening.urls).toBe(`${base}/`);
    expect(listening).toMatchObject({ tls: "self-signed", httpRedirect: redirect });
    // The setup link is an https one.
    expect(String(event(app, "setup.needed")!.url)).toStartWith(`${base}/setup?token=`);

    expect(statSync(join(data, SELF_SIGNED_KEY)).mode & 0o777).toBe(0o600);
    const x = new X509Certificate(readFileSync(join(data, SELF_SIGNED_CERT)));
    expect(x.fingerprint256.toUpperCase()).toBe(String(cert!.fingerprint));
    expect(await servedFingerprint(port)).toBe(String(cert!.fingerprint));
    expect(x.checkHost("localhost")).toBe("localhost");
    expect(x.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x.subjectAltName).toContain(".local");

    const page = await fetch(`${base}/`, insecure);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="shared_slider"');
    // A client that checks certificates refuses it: it really is TLS with an untrusted certificate.
    expect(fetch(`${base}/`)).rejects.toThrow();
  }, 60000);

  test("the WebSocket over wss:// carries a shared change and its output", async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/ws`, {
      tls: { rejectUnauthorized: false },
      headers: { origin: base },
    } as unknown as string[]);
    const frames: string[] = [];
    ws.onmessage = (e) => frames.push(String(e.data));
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error("wss failed"));
    });
    const source = "div#shared_slider";
    ws.send(
      JSON.stringify({
        shared_slider: "8",
        headers: { "HX-Request": "true", "HX-Source": source, "HX-Current-URL": `${base}/`, "HX-Target": source, "DD-Seq": "1" },
      }),
    );
    expect(await until(() => frames.some((f) => /id=\\"shared_slider_output\\"[\s\S]*>8</.test(f)), 5000)).toBe(true);
    ws.close();
  });

  test("--http-redirect: 308 to the https port, same path and query, with the security headers; a foreign Host gets 421", async () => {
    const r = await fetch(`http://127.0.0.1:${redirect}/admin/?x=1`, { redirect: "manual" });
    expect(r.status).toBe(308);
    expect(r.headers.get("location")).toBe(`https://127.0.0.1:${port}/admin/?x=1`);
    expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
    expect(r.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const named = await fetch(`http://127.0.0.1:${redirect}/`, { redirect: "manual", headers: { host: `localhost:${redirect}` } });
    expect(named.headers.get("location")).toBe(`https://localhost:${port}/`);
    const evil = await fetch(`http://127.0.0.1:${redirect}/`, { redirect: "manual", headers: { host: "evil.example" } });
    expect(evil.status).toBe(421);
    expect(evil.headers.get("location")).toBeNull();
    expect(evil.headers.get("x-content-type-options")).toBe("nosniff");
    // Followed by a client, the redirect ends on the https page.
    const followed = await fetch(`http://127.0.0.1:${redirect}/`, insecure);
    expect(followed.url).toBe(`${base}/`);
    expect(followed.status).toBe(200);
  });

  test.skipIf(!hasChromium)(
    "Chromium (--ignore-certificate-errors): the page over https, its socket over wss, the Secure cookie after setup, /admin shows the fingerprint",
    async () => {
      const fingerprint = String(event(app, "tls.certificate")!.fingerprint);
      const setup = String(event(app, "setup.needed")!.url);
      const browser = await launch(["--ignore-certificate-errors"]);
      try {
        const page = await browser.newPage();
        const sockets: string[] = [];
        page.on("websocket", (w) => sockets.push(w.url()));
        await page.goto(`${base}/`);
        await page.waitForSelector('#dd-status[data-state="connected"]');
        expect(await page.evaluate(() => location.protocol)).toBe("https:");
        expect(sockets[0]).toStartWith(`wss://127.0.0.1:${port}/ws`);
        await slide(page, "shared_slider", 3);
        await page.waitForFunction(() => document.querySelector("#shared_slider_output")?.textContent === "3");

        await page.goto(setup);
        await page.fill('input[name="username"]', "owner");
        await page.fill('input[name="password"]', "owner-password-1");
        await Promise.all([page.waitForLoadState(), page.click('button[type="submit"]')]);
        const cookie = (await page.context().cookies()).find((c) => c.name === `dd_session_${port}`);
        expect(cookie?.secure).toBe(true);
        expect(cookie?.httpOnly).toBe(true);
        await page.goto(`${base}/admin/`);
        await page.waitForSelector('#dd-status[data-state="connected"]');
        expect(await page.textContent("#admin_tls_fingerprint")).toBe(fingerprint);
        expect(sockets.some((u) => u.startsWith(`wss://127.0.0.1:${port}/admin/ws`))).toBe(true);
      } finally {
        await browser.close();
      }
    },
    60000,
  );

  test("a restart reuses the certificate (same fingerprint, not made again)", async () => {
    const first = String(event(app, "tls.certificate")!.fingerprint);
    await app.stop();
    app = await run(["--port", String(port), "--host", "127.0.0.1", "--data-dir", data, "--tls", "self-signed"]);
    const again = event(app, "tls.certificate")!;
    expect(again.fingerprint).toBe(first);
    expect(again.created).toBeUndefined();
    expect(await servedFingerprint(port)).toBe(first);
  }, 60000);
});

describe("certificates made and checked", () => {
  const now = new Date("2027-06-01T00:00:00Z");
  const make = (days = 825) =>
    createSelfSigned({
      commonName: "gadget",
      dnsNames: ["gadget", "gadget.local"],
      ips: ["192.168.1.20", "fd00::5"],
      notBefore: new Date(now.getTime() - 86_400_000),
      notAfter: new Date(now.getTime() + days * 86_400_000),
    });

  test("the DER is a valid self-signed X.509 v3 with SAN, CA:FALSE and serverAuth (checked by Bun and OpenSSL)", () => {
    const kc = make();
    const x = new X509Certificate(kc.cert);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subjectAltName).toBe("DNS:gadget, DNS:gadget.local, IP Address:192.168.1.20, IP Address:FD00:0:0:0:0:0:0:5");
    expect(x.ca).toBe(false);
    expect(x.publicKey.asymmetricKeyType).toBe("ec");
    if (Bun.which("openssl")) {
      const dir = tmp("dd-x509-");
      writeFileSync(join(dir, "c.pem"), kc.cert);
      const text = Bun.spawnSync(["openssl", "x509", "-in", join(dir, "c.pem"), "-noout", "-text"]).stdout.toString();
      expect(text).toContain("Version: 3");
      expect(text).toContain("TLS Web Server Authentication");
      expect(text).toContain("CA:FALSE");
      expect(
        Bun.spawnSync(["openssl", "verify", "-no_check_time", "-partial_chain", "-CAfile", join(dir, "c.pem"), join(dir, "c.pem")])
          .exitCode,
      ).toBe(0);
    }
  });

  test("a certificate near its end, or for another host name, is made anew; a good one is kept", () => {
    const dir = tmp("dd-renew-");
    const ifaces = () => ({
      eth0: [{ address: "192.168.1.20", netmask: "255.255.255.0", family: "IPv4" as const, mac: "", internal: false, cidr: null }],
    });
    const a = selfSignedTls({ dataDir: dir, hostname: "gadget", interfaces: ifaces, now });
    expect(a.created).toBe(true);
    expect(a.names).toContain("IP Address:192.168.1.20");
    expect(selfSignedTls({ dataDir: dir, hostname: "gadget", interfaces: ifaces, now }).fingerprint).toBe(a.fingerprint);
    const later = new Date(now.getTime() + 800 * 86_400_000); // 25 days left
    expect(selfSignedTls({ dataDir: dir, hostname: "gadget", interfaces: ifaces, now: later }).created).toBe(true);
    expect(selfSignedTls({ dataDir: dir, hostname: "other", interfaces: ifaces, now: later }).names).toContain("DNS:other.local");
  });

  test("--tls-cert/--tls-key: missing, not PEM, DER, or a key of another certificate: DD_TLS with what was found and the fix", () => {
    const dir = tmp("dd-badtls-");
    const a = make();
    const b = make();
    const f = (name: string, text: string | Uint8Array) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cert = f("cert.pem", a.cert);
    const key = f("key.pem", a.key);
    expect(loadTlsFiles(cert, key, now).fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const err = (c: string, k: string) => thrown(() => loadTlsFiles(c, k, now));
    const missing = err(join(dir, "nope.pem"), key);
    expect(missing.code).toBe("DD_TLS");
    expect(missing.detail.found).toBe("no such file");
    expect(err(f("text.pem", "hello"), key).detail.found).toBe("no -----BEGIN line");
    const der = err(f("cert.der", Buffer.from(a.cert.replace(/-----[^-]+-----|\n/g, ""), "base64")), key);
    expect(der.detail.found).toBe("a binary (DER) file");
    expect(der.detail.fix).toContain("openssl x509 -inform der");
    const swapped = err(cert, f("other-key.pem", b.key));
    expect(swapped.message).toContain("does not belong to the certificate");
    expect(err(key, key).detail.found).toBe('a PEM "PRIVATE KEY" block'); // the key given as the certificate
    const keyAsCert = err(cert, cert);
    expect(keyAsCert.message).not.toContain(a.key.split("\n")[1]!); // a key's contents are never echoed
  });

  test("from the command line: a bad certificate stops the start with one line, exit 2", async () => {
    const p = await run([
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--data-dir",
      tmp("dd-tlscli-"),
      "--tls-cert",
      "/nonexistent/cert.pem",
      "--tls-key",
      "/nonexistent/key.pem",
    ]);
    expect(await p.exited).toBe(2);
    const lines = p.lines();
    expect(lines.at(-1)).toMatchObject({ level: "error", event: "start.failed", code: "DD_TLS", found: "no such file" });
    expect(p.out()).not.toContain("server.listening");
  }, 30000);
});
