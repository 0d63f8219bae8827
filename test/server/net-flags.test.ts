// The command line of part A of issue 13: --tls self-signed, --tls-cert/--tls-key, --http-redirect,
// --mdns, --mdns-name, and their environment variables; mDNS is off unless asked for.
import { expect, test } from "bun:test";
import { parseCli, usage } from "../../src/server/cli.ts";
import { DashDevicesError } from "../../src/core/errors.ts";

const fails = (argv: string[], env: Record<string, string> = {}) => {
  try {
    parseCli(argv, env);
  } catch (e) {
    expect(e).toBeInstanceOf(DashDevicesError);
    return (e as DashDevicesError).detail;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
};

test("TLS: self-signed, or a certificate and its key; from flags or TLS / TLS_CERT / TLS_KEY", () => {
  expect(parseCli([], {}).tls).toBeUndefined();
  expect(parseCli(["--tls", "self-signed"], {}).tls).toEqual({ selfSigned: true });
  expect(parseCli([], { TLS: "self-signed" }).tls).toEqual({ selfSigned: true });
  expect(parseCli(["--tls-cert", "/etc/c.pem", "--tls-key=/etc/k.pem"], {}).tls).toEqual({ cert: "/etc/c.pem", key: "/etc/k.pem" });
  expect(parseCli([], { TLS_CERT: "c.pem", TLS_KEY: "k.pem" }).tls).toEqual({ cert: "c.pem", key: "k.pem" });
});

test("TLS: a certificate without its key, an unknown mode, or both modes at once are DD_BAD_OPTION with the fix", () => {
  expect(fails(["--tls-cert", "c.pem"]).fix).toContain("--tls-key");
  expect(fails(["--tls-key", "k.pem"]).fix).toContain("--tls-cert");
  expect(fails(["--tls", "on"]).found).toBe('"on"');
  expect(fails(["--tls", "self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"]).what).toContain("exclude each other");
});

test("--http-redirect needs TLS; HTTP_REDIRECT", () => {
  expect(fails(["--http-redirect", "80"]).fix).toContain("--tls self-signed");
  expect(parseCli(["--tls", "self-signed", "--http-redirect", "8080"], {}).httpRedirect).toBe(8080);
  expect(parseCli(["--tls", "self-signed"], { HTTP_REDIRECT: "80" }).httpRedirect).toBe(80);
  expect(fails(["--tls", "self-signed", "--http-redirect", "http"]).what).toContain("--http-redirect");
});

test("mDNS is off unless asked for (--mdns, MDNS=1); --mdns-name takes a label, with or without .local", () => {
  expect(parseCli([], {}).mdns).toBe(false);
  expect(parseCli(["--mdns"], {}).mdns).toBe(true);
  expect(parseCli([], { MDNS: "1" }).mdns).toBe(true);
  expect(parseCli(["--mdns-name", "Gadget.local"], {}).mdnsName).toBe("gadget");
  expect(parseCli([], { MDNS_NAME: "kiln-2" }).mdnsName).toBe("kiln-2");
  expect(fails(["--mdns-name", "my gadget"]).found).toBe('"my gadget"');
  expect(fails(["--mdns-name", "-x"]).expected).toContain("letters, digits");
});

test("--help lists the flags and their variables", () => {
  const u = usage("gadget");
  for (const s of [
    "--tls self-signed",
    "--tls-cert F --tls-key K",
    "TLS_CERT, TLS_KEY",
    "--http-redirect N",
    "--mdns ",
    "MDNS=1",
    "--mdns-name N",
  ])
    expect(u).toContain(s);
});
