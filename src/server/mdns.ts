/**
 * @module mdns
 * `--mdns`: the device answers `NAME.local` (A and AAAA) and advertises its page as a DNS-SD service
 * (`_http._tcp` or `_https._tcp`, with `path=/`), so a person opens http://gadget.local:5000/ and a
 * phone's or a Mac's service browser lists it. The wire and the socket (the UDP port 5353 with
 * SO_REUSEADDR, the 224.0.0.251 membership on every interface, followed as interfaces come and go)
 * are the npm package `multicast-dns`; what to answer is here, read from the interfaces at each
 * query, so a new DHCP lease is answered at once.
 *
 * With Avahi running (Raspberry Pi OS), Avahi already answers HOSTNAME.local: answering the same
 * name from a second stack with a different set of addresses would look like a name conflict to
 * it, so then only the service records are ours (`answerHost: false`).
 *
 * Not done: probing for a name another machine already uses (RFC 6762 section 8.1); the
 * addresses are IPv4 multicast only (AAAA records are answered over IPv4).
 */

import makeMdns from "multicast-dns";
import type { Logger } from "../core/log.ts";
import { lanAddresses, type InterfaceList, type LanAddress } from "./addresses.ts";

export interface MdnsOptions {
  /** "gadget": answered as gadget.local. */
  name: string;
  port: number;
  scheme: "http" | "https";
  /** The service's instance name, shown by service browsers (the app's title). */
  instance: string;
  log: Logger;
  /** Answer NAME.local's addresses (false: another responder, Avahi, does). Default true. */
  answerHost?: boolean;
  interfaces?: InterfaceList;
}

export interface MdnsResponder {
  readonly host: string;
  readonly service: string;
  stop(): Promise<void>;
}

type Record_ = { name: string; type: string; ttl: number; class?: "IN"; flush?: boolean; data: unknown };
type Question = { name: string; type: string };
type RemoteInfo = { address: string; port: number };

const SERVICES = "_services._dns-sd._udp.local";
const HOST_TTL = 120;
const SERVICE_TTL = 4500;
const MDNS_PORT = 5353;

/** A DNS label from any text: no dots, at most 63 bytes. */
function label(text: string): string {
  let s = text.replace(/\./g, " ").trim() || "dash-devices";
  while (Buffer.byteLength(s) > 63) s = s.slice(0, -1);
  return s;
}

function toInt(ip: string): number {
  return ip.split(".").reduce((n, p) => (n << 8) + Number(p), 0) >>> 0;
}

/** The interfaces' IPv4 addresses on the asker's subnet (the one it can reach), else all. */
function addressesFor(all: LanAddress[], from?: RemoteInfo): LanAddress[] {
  const v4 = all.filter((a) => a.family === "IPv4");
  if (!from || !/^\d+\.\d+\.\d+\.\d+$/.test(from.address)) return v4;
  const same = v4.filter((a) => ((toInt(a.address) ^ toInt(from.address)) & toInt(a.netmask)) === 0);
  return same.length ? same : v4;
}

export function startMdns(o: MdnsOptions): MdnsResponder {
  const host = `${o.name}.local`;
  const service = `_${o.scheme}._tcp.local`;
  const instance = `${label(o.instance)}.${service}`;
  const answerHost = o.answerHost !== false;
  const mdns = makeMdns({ reuseAddr: true });
  let stopped = false;

  const hostRecords = (from?: RemoteInfo, types = ["A", "AAAA"]): Record_[] => {
    if (!answerHost) return [];
    const all = lanAddresses(o.interfaces);
    const out: Record_[] = [];
    if (types.includes("A"))
      for (const a of addressesFor(all, from)) out.push({ name: host, type: "A", ttl: HOST_TTL, flush: true, data: a.address });
    if (types.includes("AAAA"))
      for (const a of all) if (a.family === "IPv6") out.push({ name: host, type: "AAAA", ttl: HOST_TTL, flush: true, data: a.address });
    return out;
  };
  const srv = (): Record_ => ({
    name: instance,
    type: "SRV",
    ttl: HOST_TTL,
    flush: true,
    data: { port: o.port, target: host, priority: 0, weight: 0 },
  });
  const txt = (): Record_ => ({ name: instance, type: "TXT", ttl: SERVICE_TTL, flush: true, data: ["path=/"] });
  const ptr = (): Record_ => ({ name: service, type: "PTR", ttl: SERVICE_TTL, data: instance });
  const enumeration = (): Record_ => ({ name: SERVICES, type: "PTR", ttl: SERVICE_TTL, data: service });

  /** The answers and additional records for one question. */
  const answer = (q: Question, from: RemoteInfo): { answers: Record_[]; additionals: Record_[] } => {
    const name = q.name.toLowerCase();
    const any = q.type === "ANY";
    if (name === host.toLowerCase() && (any || q.type === "A" || q.type === "AAAA"))
      return { answers: hostRecords(from, any ? ["A", "AAAA"] : [q.type]), additionals: [] };
    if (name === service.toLowerCase() && (any || q.type === "PTR"))
      return { answers: [ptr()], additionals: [srv(), txt(), ...hostRecords(from)] };
    if (name === instance.toLowerCase()) {
      const answers = [...(any || q.type === "SRV" ? [srv()] : []), ...(any || q.type === "TXT" ? [txt()] : [])];
      return { answers, additionals: answers.length ? hostRecords(from) : [] };
    }
    if (name === SERVICES && (any || q.type === "PTR")) return { answers: [enumeration()], additionals: [] };
    return { answers: [], additionals: [] };
  };

  mdns.on("query", (query: { id?: number; questions: Question[] }, from: RemoteInfo) => {
    if (stopped) return;
    const answers: Record_[] = [];
    const additionals: Record_[] = [];
    for (const q of query.questions ?? []) {
      const r = answer(q, from);
      answers.push(...r.answers);
      additionals.push(...r.additionals);
    }
    if (!answers.length) return;
    if (from.port !== MDNS_PORT) {
      // A one-shot ("legacy unicast") query from a plain resolver: answered to it alone, with its id
      // and questions, short TTLs and no cache-flush bit (RFC 6762 section 6.7).
      const legacy = (r: Record_) => ({ ...r, ttl: Math.min(r.ttl, 10), flush: false });
      mdns.respond(
        { id: query.id, questions: query.questions, answers: answers.map(legacy), additionals: additionals.map(legacy) } as never,
        { port: from.port, address: from.address } as never,
      );
      return;
    }
    mdns.respond({ answers, additionals } as never);
  });
  mdns.on("error", (e: Error) =>
    o.log.warn("mdns.error", { error: e, fix: "another program holds UDP port 5353 without sharing it; stop it, or run without --mdns" }),
  );
  mdns.on("warning", (e: Error) => o.log.debug("mdns.warning", { error: e }));

  // Announce at start, twice a second apart (RFC 6762 section 8.3), so browsers that listen see it.
  const announce = () => {
    if (!stopped) mdns.respond({ answers: [ptr(), srv(), txt(), ...hostRecords()], additionals: [] } as never);
  };
  mdns.on("ready", () => {
    announce();
    o.log.info("mdns.started", { host: answerHost ? host : undefined, service: instance, port: o.port });
  });
  const again = setTimeout(announce, 1000);
  (again as { unref?: () => void }).unref?.();

  return {
    host,
    service: instance,
    stop: () =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        clearTimeout(again);
        // Goodbye: the same records with TTL 0, so browsers drop the service at once.
        const bye = (r: Record_) => ({ ...r, ttl: 0 });
        const close = () => {
          if (stopped) return;
          stopped = true;
          mdns.destroy(() => resolve());
        };
        mdns.respond({ answers: [ptr(), srv(), txt()].map(bye) } as never, close);
        // A socket that never bound (port 5353 refused) never calls back: a stop must not hang on it.
        setTimeout(close, 500).unref?.();
      }),
  };
}
