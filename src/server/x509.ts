/**
 * @module x509
 * A self-signed X.509 v3 certificate for the device, made in process: an ECDSA P-256 key from
 * node:crypto, and the certificate's DER written here (node:crypto signs but does not build
 * certificates). Why by hand: the alternatives are `openssl` on the device (a compiled binary must
 * not depend on it), node-forge (RSA only, seconds of key generation on a Pi, 1.6 MB) or
 * @peculiar/x509 (six packages); the certificate is ~40 lines of DER below, checked by the tests
 * against Bun's own X509Certificate, OpenSSL and Chromium.
 *
 * The certificate: subject CN = the device's name; subjectAltName = its DNS names and IP
 * addresses; basicConstraints CA:FALSE, keyUsage digitalSignature, extKeyUsage serverAuth;
 * ecdsa-with-SHA256.
 */

import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isIP } from "node:net";

export interface SelfSignedOptions {
  /** The subject's common name (the device's name). */
  commonName: string;
  /** DNS names for subjectAltName ("gadget", "gadget.local", "localhost"). */
  dnsNames: readonly string[];
  /** IP addresses for subjectAltName (IPv4 or IPv6). */
  ips: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

export interface KeyAndCertificate {
  /** PKCS#8 PEM. */
  key: string;
  /** PEM. */
  cert: string;
}

// ---- DER: tag, length, value
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...parts: Buffer[]) => tlv(0x30, ...parts);
const set = (...parts: Buffer[]) => tlv(0x31, ...parts);
const octets = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer) => tlv(0x03, Buffer.from([0]), b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, "utf8"));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && !(b[i + 1]! & 0x80)) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  // IPv6: expand "::" and any embedded IPv4 tail into 8 groups.
  let s = ip.replace(/%.*$/, "");
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number);
    s = s.slice(0, -v4[1]!.length) + `${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, tail] = s.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(parseInt(g, 16) || 0, i * 2);
  });
  return out;
}

const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

/** The DER of a self-signed certificate for `publicKey`, signed with `privateKey`. */
export function selfSignedDer(o: SelfSignedOptions, privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // positive
  serial[0]! |= 0x01; // and no leading zero to strip
  const name = seq(set(seq(oid("2.5.4.3"), utf8(o.commonName.slice(0, 64)))));
  const altNames = seq(
    ...o.dnsNames.map((n) => tlv(0x82, Buffer.from(n, "ascii"))),
    ...o.ips.filter((ip) => isIP(ip)).map((ip) => tlv(0x87, ipBytes(ip))),
  );
  const extensions = seq(
    seq(oid("2.5.29.19"), bool(true), octets(seq())), // basicConstraints: CA:FALSE (critical)
    seq(oid("2.5.29.15"), bool(true), octets(tlv(0x03, Buffer.from([0x07, 0x80])))), // keyUsage: digitalSignature (critical)
    seq(oid("2.5.29.37"), octets(seq(oid("1.3.6.1.5.5.7.3.1")))), // extKeyUsage: serverAuth
    seq(oid("2.5.29.17"), octets(altNames)), // subjectAltName
  );
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ECDSA_SHA256,
    name,
    seq(time(o.notBefore), time(o.notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(3, extensions),
  );
  const signature = sign("sha256", tbs, { key: privateKey, dsaEncoding: "der" });
  return seq(tbs, ECDSA_SHA256, bitString(signature));
}

const pem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;

/** A new ECDSA P-256 key and a self-signed certificate for it, both PEM. */
export function createSelfSigned(o: SelfSignedOptions): KeyAndCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const der = selfSignedDer(o, privateKey, publicKey);
  return { key: privateKey.export({ type: "pkcs8", format: "pem" }) as string, cert: pem("CERTIFICATE", der) };
}
