// --mdns, tested where multicast cannot leak: two network namespaces of the test's own joined by a
// veth pair (198.51.100.0/24, a documentation range, with a multicast route), never the machine's
// real interface. The device namespace runs the compiled example1 (the responder and the
// certificate made inside a `bun build --compile` binary); the client namespace asks for
// gadget.local and the _https._tcp service with a small mDNS query process and fetches the page
// by that name. Skipped, with the reason, where `ip netns` is not permitted (not root, no iproute2).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../helpers/server.ts";

const id = `${process.pid % 100000}`;
const DEV = `dd-mdns-dev-${id}`;
const CLI = `dd-mdns-cli-${id}`;
const DEV_IP = "198.51.100.1";
const CLI_IP = "198.51.100.2";
const PORT = 5000;

const ip = (...args: string[]) => Bun.spawnSync(["ip", ...args], { stdout: "pipe", stderr: "pipe" });

/** Makes the two namespaces; returns why not, if it cannot. */
function makeNetwork(): string | undefined {
  if (!Bun.which("ip")) return "no `ip` command (iproute2)";
  const probe = ip("netns", "add", DEV);
  if (probe.exitCode !== 0) return `ip netns add is not permitted here: ${probe.stderr.toString().trim()}`;
  const steps = [
    ["netns", "add", CLI],
    ["link", "add", `ddv${id}a`, "netns", DEV, "type", "veth", "peer", "name", `ddv${id}b`, "netns", CLI],
    ["-n", DEV, "addr", "add", `${DEV_IP}/24`, "dev", `ddv${id}a`],
    ["-n", CLI, "addr", "add", `${CLI_IP}/24`, "dev", `ddv${id}b`],
    ["-n", DEV, "link", "set", "lo", "up"],
    ["-n", CLI, "link", "set", "lo", "up"],
    ["-n", DEV, "link", "set", `ddv${id}a`, "up"],
    ["-n", CLI, "link", "set", `ddv${id}b`, "up"],
    ["-n", DEV, "route", "add", "224.0.0.0/4", "dev", `ddv${id}a`],
    ["-n", CLI, "route", "add", "224.0.0.0/4", "dev", `ddv${id}b`],
  ];
  for (const s of steps) {
    const r = ip(...s);
    if (r.exitCode !== 0) return `ip ${s.join(" ")}: ${r.stderr.toString().trim()}`;
  }
  return undefined;
}

const skip = makeNetwork();
const build = mkdtempSync(join(tmpdir(), "dd-mdns-build-"));
const data = mkdtempSync(join(tmpdir(), "dd-mdns-data-"));
const bin = join(build, "example1");
let device: { proc: ReturnType<typeof Bun.spawn>; out: () => string } | undefined;

function startDevice(extra: string[]) {
  const proc = Bun.spawn(["ip", "netns", "exec", DEV, bin, "--port", String(PORT), "--data-dir", data, "--log-format", "json", ...extra], {
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "" },
  });
  let out = "";
  const pump = async (s: ReadableStream<Uint8Array>) => {
    for await (const c of s) out += new TextDecoder().decode(c);
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  return { proc, out: () => out };
}

async function stopDevice() {
  device?.proc.kill("SIGTERM");
  await device?.proc.exited;
  device = undefined;
}

type Rec = { name: string; type: string; ttl: number; data: unknown };
/** Asks from the client namespace; returns the answers and additional records it got. */
async function query(questions: [string, string][], wait = 3000, unicast = false): Promise<{ answers: Rec[]; additionals: Rec[] }> {
  const p = Bun.spawn(
    [
      "ip",
      "netns",
      "exec",
      CLI,
      "bun",
      "test/helpers/mdns-query.ts",
      ...questions.flat(),
      "--wait",
      String(wait),
      ...(unicast ? ["--unicast"] : []),
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  const text = await new Response(p.stdout).text();
  await p.exited;
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

beforeAll(() => {
  if (skip) return;
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const r = Bun.spawnSync(
    ["bun", "run", "scripts/build.ts", "examples/example1.ts", "--target", arch, "--outdir", build, "--name", "example1"],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (r.exitCode !== 0) throw new Error(r.stderr.toString() + r.stdout.toString());
  Bun.spawnSync(["mv", join(build, `example1-linux-${arch}`), bin]);
  chmodSync(bin, 0o755);
}, 120000);

afterAll(async () => {
  await stopDevice();
  if (!skip) {
    ip("netns", "del", DEV);
    ip("netns", "del", CLI);
  }
  rmSync(build, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
});

describe(`mDNS in network namespaces${skip ? ` (skipped: ${skip})` : ""}`, () => {
  test.skipIf(!!skip)(
    "without --mdns the device sends and answers nothing",
    async () => {
      device = startDevice([]);
      expect(await until(() => device!.out().includes('"server.listening"'), 20000)).toBe(true);
      expect(device.out()).not.toContain("mdns.");
      const r = await query(
        [
          ["gadget.local", "A"],
          [`${hostname()}.local`, "A"],
        ],
        1500,
      );
      expect(r.answers).toEqual([]);
      await stopDevice();
    },
    60000,
  );

  test.skipIf(!!skip)(
    "--mdns --mdns-name gadget --tls self-signed: gadget.local's A record, the _https._tcp service (PTR, SRV, TXT), the page by that name, and the printed URLs",
    async () => {
      device = startDevice(["--mdns", "--mdns-name", "gadget", "--tls", "self-signed"]);
      expect(await until(() => device!.out().includes('"mdns.started"'), 20000)).toBe(true);
      const lines = device
        .out()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.find((l) => l.event === "server.listening")).toMatchObject({
        urls: `https://gadget.local:${PORT}/,https://${DEV_IP}:${PORT}/`,
        url: `https://${DEV_IP}:${PORT}`,
      });
      expect(String(lines.find((l) => l.event === "setup.needed")?.url)).toStartWith(`https://${DEV_IP}:${PORT}/setup?token=`);
      expect(String(lines.find((l) => l.event === "tls.certificate")?.names)).toContain(`IP Address:${DEV_IP}`);

      const host = await query([["gadget.local", "A"]]);
      expect(host.answers.filter((a) => a.type === "A")).toEqual([expect.objectContaining({ name: "gadget.local", data: DEV_IP })]);

      // Asked from a port of its own (legacy unicast): only what answers this question comes back.
      const direct = await query([["gadget.local", "A"]], 3000, true);
      expect(direct.answers).toEqual([expect.objectContaining({ name: "gadget.local", type: "A", data: DEV_IP, flush: false })]);
      expect(direct.answers[0]!.ttl).toBeLessThanOrEqual(10);

      const svc = await query([["_https._tcp.local", "PTR"]], 3000, true);
      const ptr = svc.answers.find((a) => a.type === "PTR" && a.name === "_https._tcp.local");
      expect(ptr?.data).toBe("Example 1._https._tcp.local");
      const all = [...svc.answers, ...svc.additionals];
      expect(all.find((a) => a.type === "SRV")).toMatchObject({
        name: "Example 1._https._tcp.local",
        data: { port: PORT, target: "gadget.local" },
      });
      expect(all.find((a) => a.type === "TXT")?.data).toEqual(["path=/"]);
      expect(all.find((a) => a.type === "A")).toMatchObject({ name: "gadget.local", data: DEV_IP });

      // Another name is not ours to answer.
      // (Responses to others' questions and announcements reach the asker too: only names are compared.)
      expect((await query([["other.local", "A"]], 1000)).answers.filter((a) => a.name === "other.local")).toEqual([]);

      // The page, from the client namespace, by the name (the Host check accepts gadget.local).
      const fetched = Bun.spawnSync(
        [
          "ip",
          "netns",
          "exec",
          CLI,
          "bun",
          "-e",
          `const r = await fetch("https://${DEV_IP}:${PORT}/", { headers: { host: "gadget.local:${PORT}" }, tls: { rejectUnauthorized: false } }); console.log(r.status, (await r.text()).includes("shared_slider"))`,
        ],
        { stdout: "pipe", stderr: "pipe" },
      );
      expect(fetched.stdout.toString().trim()).toBe("200 true");
      await stopDevice();
    },
    60000,
  );
});
