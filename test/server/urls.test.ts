// What the server prints: its name and real addresses, never 127.0.0.1 when it listens on every
// interface; the setup link on the first LAN address (localhost when there is none). The
// interface list is given, as a machine with eth0, wlan0 and loopback would report it.
import { expect, test } from "bun:test";
import type { NetworkInterfaceInfo } from "node:os";
import { html } from "../../src/index.ts";
import { lanAddresses, shownUrls, type InterfaceList } from "../../src/server/addresses.ts";
import { useApp } from "../helpers/fixtures.ts";

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  netmask: "255.255.255.0",
  family: "IPv4",
  mac: "00:00:00:00:00:00",
  internal,
  cidr: `${address}/24`,
});
const v6 = (address: string): NetworkInterfaceInfo => ({
  address,
  netmask: "ffff:ffff:ffff:ffff::",
  family: "IPv6",
  mac: "00:00:00:00:00:00",
  internal: false,
  cidr: `${address}/64`,
  scopeid: 0,
});
const pi: InterfaceList = () => ({
  lo: [v4("127.0.0.1", true)],
  eth0: [v4("192.168.1.20"), v6("fe80::1"), v6("2001:db8::20")],
  wlan0: [v4("10.0.0.7")],
});
const loopbackOnly: InterfaceList = () => ({ lo: [v4("127.0.0.1", true)] });

test("LAN addresses: no loopback, no IPv6 link-local, IPv4 first", () => {
  expect(lanAddresses(pi).map((a) => `${a.iface} ${a.address}`)).toEqual(["eth0 192.168.1.20", "wlan0 10.0.0.7", "eth0 2001:db8::20"]);
});

test("printed URLs: NAME.local (with mDNS) and each LAN address on 0.0.0.0; localhost when there is none; the bound address otherwise", () => {
  expect(shownUrls({ scheme: "http", host: "0.0.0.0", port: 5000, mdnsName: "gadget", interfaces: pi })).toEqual([
    "http://gadget.local:5000/",
    "http://192.168.1.20:5000/",
    "http://10.0.0.7:5000/",
  ]);
  expect(shownUrls({ scheme: "https", host: "0.0.0.0", port: 8443, interfaces: pi })).toEqual([
    "https://192.168.1.20:8443/",
    "https://10.0.0.7:8443/",
  ]);
  expect(shownUrls({ scheme: "http", host: "::", port: 5000, interfaces: pi })).toEqual([
    "http://192.168.1.20:5000/",
    "http://10.0.0.7:5000/",
    "http://[2001:db8::20]:5000/",
  ]);
  expect(shownUrls({ scheme: "http", host: "0.0.0.0", port: 5000, mdnsName: "gadget", interfaces: loopbackOnly })).toEqual([
    "http://localhost:5000/",
  ]);
  expect(shownUrls({ scheme: "http", host: "127.0.0.1", port: 5000, interfaces: pi })).toEqual(["http://127.0.0.1:5000/"]);
  expect(shownUrls({ scheme: "http", host: "fd00::5", port: 5000, interfaces: pi })).toEqual(["http://[fd00::5]:5000/"]);
});

const srv = useApp();

/** Runs a real app with its database on 0.0.0.0 (a free port) on the given interfaces; returns its log. */
async function printed(interfaces: InterfaceList): Promise<{ port: number; log: string[] }> {
  await srv.start((app) => (app.layout = html.Div("hello")), { database: true, title: "Gadget", listen: { host: "0.0.0.0", interfaces } });
  await srv.stop();
  return { port: srv.port, log: srv.log };
}

const field = (line: string | undefined, key: string) => {
  const m = new RegExp(` ${key}=("(?:[^"\\\\]|\\\\.)*"|\\S+)`).exec(line ?? "");
  return m ? (m[1]!.startsWith('"') ? JSON.parse(m[1]!) : m[1]) : undefined;
};

test("on every interface: server.listening lists the LAN addresses and the setup link uses the first, never 127.0.0.1", async () => {
  const { port, log } = await printed(pi);
  const listening = log.find((l) => l.includes("server.listening"));
  expect(field(listening, "urls")).toBe(`http://192.168.1.20:${port}/,http://10.0.0.7:${port}/`);
  expect(field(listening, "url")).toBe(`http://192.168.1.20:${port}`);
  const setup = log.find((l) => l.includes("setup.needed"));
  expect(field(setup, "url")).toMatch(new RegExp(`^http://192\\.168\\.1\\.20:${port}/setup\\?token=[A-Za-z0-9_-]+$`));
  expect(log.join("\n")).not.toContain("127.0.0.1");
});

test("a machine with no LAN address prints the localhost form", async () => {
  const { port, log } = await printed(loopbackOnly);
  expect(
    field(
      log.find((l) => l.includes("server.listening")),
      "urls",
    ),
  ).toBe(`http://localhost:${port}/`);
  expect(
    field(
      log.find((l) => l.includes("setup.needed")),
      "url",
    ),
  ).toStartWith(`http://localhost:${port}/setup?token=`);
});
