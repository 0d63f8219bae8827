/**
 * @module tls
 * The key and certificate the server speaks TLS with: PEM files given with `--tls-cert`/`--tls-key`
 * (checked at start: readable, PEM, the key belongs to the certificate), or `--tls self-signed`:
 * one made for the device's names and addresses on first run (./x509.ts), kept in the data
 * directory (key 0600) and reused, remade only when it nears its end or the host name changed.
 * Either way the log and /admin show its SHA-256 fingerprint, which is what a person compares with
 * the browser's certificate viewer before trusting a self-signed device.
 */

import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DashDevicesError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import { deviceName, lanAddresses, type InterfaceList } from "./addresses.ts";
import { createSelfSigned } from "./x509.ts";

/** What the command line asked for. */
export type TlsSetting = { selfSigned: true } | { selfSigned?: false; cert: string; key: string };

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 of the certificate's DER, "AB:CD:...". */
  fingerprint: string;
  source: "files" | "self-signed";
  /** A self-signed certificate made at this start (not reused). */
  created: boolean;
  /** subjectAltName as OpenSSL prints it. */
  names: string;
  notAfter: Date;
}

export const SELF_SIGNED_CERT = "tls-self-signed-cert.pem";
export const SELF_SIGNED_KEY = "tls-self-signed-key.pem";
/** 825 days: the longest validity Apple's platforms accept for a TLS server certificate. */
const VALID_DAYS = 825;
/** Remade this long before it ends, at a start. */
const RENEW_DAYS = 30;
const DAY = 86_400_000;

function tlsError(
  what: string,
  found: string,
  fix: string,
  expected = "a PEM certificate (-----BEGIN CERTIFICATE-----) and its unencrypted PEM private key",
): DashDevicesError {
  return new DashDevicesError("DD_TLS", { what, expected, found, fix });
}

function readPem(path: string, kind: "certificate" | "key", flag: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw tlsError(
      `cannot read the TLS ${kind} file ${path}.`,
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String((e as Error).message),
      code === "EACCES"
        ? `let the service's user read it (chmod/chown), or copy it into the data directory`
        : `check the path given to ${flag}`,
    );
  }
  const label = kind === "certificate" ? /-----BEGIN CERTIFICATE-----/ : /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;
  if (!label.test(text)) {
    const binary = /[\x00-\x08\x0e-\x1f]/.test(text.slice(0, 64));
    // Never echo a key file's contents: say only what kind of file it looks like.
    const other = /-----BEGIN ([A-Z ]+)-----/.exec(text)?.[1];
    throw tlsError(
      `the TLS ${kind} file ${path} is not a PEM ${kind}.`,
      binary ? "a binary (DER) file" : other ? `a PEM "${other}" block` : "no -----BEGIN line",
      binary
        ? `convert it: openssl ${kind === "certificate" ? "x509" : "pkey"} -inform der -in ${path} -out ${path}.pem`
        : `give ${flag} the ${kind === "certificate" ? "certificate (fullchain.pem with Let's Encrypt)" : "private key (privkey.pem with Let's Encrypt)"}`,
    );
  }
  return text;
}

function fingerprintOf(cert: X509Certificate): string {
  return cert.fingerprint256.toUpperCase();
}

/** Loads and checks `--tls-cert`/`--tls-key`. */
export function loadTlsFiles(certPath: string, keyPath: string, now = new Date()): TlsMaterial & { expired: boolean } {
  const certPem = readPem(certPath, "certificate", "--tls-cert");
  const keyPem = readPem(keyPath, "key", "--tls-key");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (e) {
    throw tlsError(
      `the TLS certificate ${certPath} cannot be parsed.`,
      String((e as Error).message),
      "check that the file is a whole certificate (openssl x509 -in FILE -noout -text)",
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    const encrypted = /ENCRYPTED/.test(keyPem);
    throw tlsError(
      `the TLS key ${keyPath} cannot be read.`,
      encrypted ? "an encrypted (passphrase-protected) key" : "not a private key this server can read",
      encrypted
        ? `decrypt it once: openssl pkey -in ${keyPath} -out ${keyPath}.plain (keep it 0600)`
        : "give the private key that was made with this certificate",
    );
  }
  if (!cert.checkPrivateKey(key)) {
    throw tlsError(
      `the TLS key ${keyPath} does not belong to the certificate ${certPath}.`,
      `a ${key.asymmetricKeyType} key that does not match the certificate's ${cert.publicKey.asymmetricKeyType} public key`,
      "give the key that was made with this certificate (Let's Encrypt: privkey.pem from the same directory as fullchain.pem)",
      "the private key of the certificate's public key",
    );
  }
  const notAfter = new Date(cert.validTo);
  return {
    cert: certPem,
    key: keyPem,
    fingerprint: fingerprintOf(cert),
    source: "files",
    created: false,
    names: cert.subjectAltName ?? "",
    notAfter,
    expired: notAfter < now,
  };
}

export interface SelfSignedOptions {
  dataDir: string;
  hostname?: string;
  interfaces?: InterfaceList;
  now?: Date;
}

/** The DNS names and addresses a self-signed certificate covers. */
export function selfSignedNames(o: { hostname?: string; interfaces?: InterfaceList } = {}): {
  name: string;
  dnsNames: string[];
  ips: string[];
} {
  const name = deviceName(o.hostname);
  const dnsNames = [...new Set([name, `${name}.local`, "localhost"])];
  const ips = [...new Set([...lanAddresses(o.interfaces).map((a) => a.address), "127.0.0.1", "::1"])];
  return { name, dnsNames, ips };
}

/**
 * The self-signed key and certificate in `dataDir`: reused when present, valid for 30 more days and
 * naming the current host; else made (key written 0600, both replaced atomically).
 */
export function selfSignedTls(o: SelfSignedOptions): TlsMaterial {
  const now = o.now ?? new Date();
  const certPath = join(o.dataDir, SELF_SIGNED_CERT);
  const keyPath = join(o.dataDir, SELF_SIGNED_KEY);
  const want = selfSignedNames(o);
  if (existsSync(certPath) && existsSync(keyPath)) {
    try {
      const m = loadTlsFiles(certPath, keyPath, now);
      const fresh = m.notAfter.getTime() - now.getTime() > RENEW_DAYS * DAY;
      if (fresh && new X509Certificate(m.cert).checkHost(`${want.name}.local`)) {
        chmodSync(keyPath, 0o600);
        return { ...m, source: "self-signed" };
      }
    } catch {
      // unreadable or mismatched: made anew below
    }
  }
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const made = createSelfSigned({
    commonName: want.name,
    dnsNames: want.dnsNames,
    ips: want.ips,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + VALID_DAYS * DAY),
  });
  const write = (path: string, text: string, mode: number) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  };
  write(keyPath, made.key, 0o600);
  write(certPath, made.cert, 0o644);
  const cert = new X509Certificate(made.cert);
  return {
    ...made,
    fingerprint: fingerprintOf(cert),
    source: "self-signed",
    created: true,
    names: cert.subjectAltName ?? "",
    notAfter: new Date(cert.validTo),
  };
}

/** The material for a setting, logged once (`tls.certificate` with the fingerprint). */
export function resolveTls(setting: TlsSetting, o: SelfSignedOptions & { log: Logger }): TlsMaterial {
  const m = setting.selfSigned ? selfSignedTls(o) : loadTlsFiles(setting.cert, setting.key, o.now);
  const fields = {
    source: m.source,
    fingerprint: m.fingerprint,
    names: m.names,
    notAfter: m.notAfter.toISOString(),
    created: m.created || undefined,
    dir: setting.selfSigned ? o.dataDir : undefined,
  };
  if ("expired" in m && m.expired)
    o.log.warn("tls.expired", { ...fields, fix: "renew the certificate and restart; browsers refuse an expired one" });
  else o.log.info("tls.certificate", fields);
  return m;
}
