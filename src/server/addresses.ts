/**
 * @module addresses
 * The device's name and its addresses on the network, and the URLs to print for them: a person
 * reads `server.listening urls=http://gadget.local:5000/,http://192.168.1.20:5000/` in the journal
 * and the setup link with a LAN address, never 127.0.0.1 when the server listens on every
 * interface. The interface list is a parameter (default `os.networkInterfaces`) so tests can say
 * what the machine has. The same list feeds the self-signed certificate's names and the mDNS answers.
 */

import { hostname as osHostname, networkInterfaces, type NetworkInterfaceInfo } from "node:os";

/** What `os.networkInterfaces()` returns; tests pass their own. */
export type InterfaceList = () => Record<string, NetworkInterfaceInfo[] | undefined>;

export interface LanAddress {
  address: string;
  family: "IPv4" | "IPv6";
  netmask: string;
  iface: string;
}

/** The machine's short host name, lower case ("gadget" for gadget.lan), or "localhost". */
export function deviceName(hostname: string = osHostname()): string {
  return hostname.toLowerCase().split(".")[0] || "localhost";
}

/**
 * Addresses other machines can reach: not loopback, not IPv6 link-local (those need a zone id in
 * a URL), IPv4 first, in the order the system lists the interfaces.
 */
export function lanAddresses(list: InterfaceList = networkInterfaces): LanAddress[] {
  const out: LanAddress[] = [];
  for (const [iface, infos] of Object.entries(list())) {
    for (const i of infos ?? []) {
      if (i.internal) continue;
      const family = i.family === "IPv4" || (i.family as unknown) === 4 ? "IPv4" : "IPv6";
      if (family === "IPv6" && /^fe[89ab]/i.test(i.address)) continue;
      out.push({ address: i.address, family, netmask: i.netmask, iface });
    }
  }
  return [...out.filter((a) => a.family === "IPv4"), ...out.filter((a) => a.family === "IPv6")];
}

const ALL = new Set(["0.0.0.0", "::", ""]);

export interface ShownUrlsOptions {
  scheme: "http" | "https";
  /** The address the server is bound to (0.0.0.0 / :: for every interface). */
  host: string;
  port: number;
  /** Print NAME.local first (its mDNS name is answered: --mdns, or Avahi). */
  mdnsName?: string;
  interfaces?: InterfaceList;
}

/**
 * The URLs to print, each ending in "/": for a server on every interface, `NAME.local` (when mDNS
 * answers it) and each LAN address, or `localhost` when the machine has none; for a server bound
 * to one address, that address.
 */
export function shownUrls(o: ShownUrlsOptions): string[] {
  const at = (h: string) => `${o.scheme}://${h.includes(":") && !h.startsWith("[") ? `[${h}]` : h}:${o.port}/`;
  if (!ALL.has(o.host)) return [at(o.host)];
  const v6 = o.host === "::";
  const lan = lanAddresses(o.interfaces).filter((a) => v6 || a.family === "IPv4");
  if (!lan.length) return [at("localhost")];
  return [...(o.mdnsName ? [at(`${o.mdnsName}.local`)] : []), ...lan.map((a) => at(a.address))];
}

/** The URL to build links on (the setup link): the first address, never the .local name, no "/" at the end. */
export function primaryUrl(o: ShownUrlsOptions): string {
  return shownUrls({ ...o, mdnsName: undefined })[0]!.replace(/\/$/, "");
}
