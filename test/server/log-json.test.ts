// --log-format json reaches every line a running app writes: the demo through its lifecycle
// (start, a tab connecting and leaving, which runs the safe state, then SIGTERM, which runs it
// again and stops) writes only JSON lines, each with time, level and event; the safe state's
// lines among them. A bad flag in JSON mode is one JSON line too.
import { expect, test } from "bun:test";
import { freePort, until } from "../helpers/server.ts";
import { WsClient } from "../helpers/ws-client.ts";
import { useTempDir } from "../db/temp-db.ts";

const data = useTempDir("dd-logjson-");

function spawn(args: string[]) {
  const p = Bun.spawn(["bun", "examples/demo.ts", ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, PORT: "", HOST: "", LOG_FORMAT: "" },
  });
  const out = { stdout: "", stderr: "" };
  const pump = async (s: ReadableStream<Uint8Array>, k: keyof typeof out) => {
    for await (const c of s) out[k] += new TextDecoder().decode(c);
  };
  const pumped = Promise.all([pump(p.stdout, "stdout"), pump(p.stderr, "stderr")]);
  return { p, out, pumped };
}

/** Every line of both streams, parsed; a line that is not JSON fails the test naming it. */
function parseAll(out: { stdout: string; stderr: string }): Record<string, unknown>[] {
  const lines = [...out.stdout.split("\n"), ...out.stderr.split("\n")].filter((l) => l.length > 0);
  return lines.map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON line: ${l}`);
    }
  });
}

test("the demo with --log-format json: start, a tab comes and goes (safe state), SIGTERM (safe state, stop): every line is JSON with time, level, event", async () => {
  const port = freePort();
  const { p, out, pumped } = spawn(["--port", String(port), "--host", "127.0.0.1", "--data-dir", data, "--log-format", "json"]);
  expect(await until(() => out.stderr.includes('"server.listening"'), 20000)).toBe(true);

  const tab = await WsClient.connect(`ws://127.0.0.1:${port}/ws`, { headers: { origin: `http://127.0.0.1:${port}` } });
  await tab.waitFor((c) => c.frames.length > 0, 5000);
  tab.close();
  expect(await until(() => out.stderr.includes('"last client left"'), 5000)).toBe(true);

  p.kill("SIGTERM");
  expect(await p.exited).toBe(0);
  await pumped;

  const records = parseAll(out);
  for (const r of records) {
    expect(typeof r.time).toBe("string");
    expect(Number.isNaN(Date.parse(String(r.time)))).toBe(false);
    expect(["debug", "info", "warn", "error"]).toContain(String(r.level));
    expect(typeof r.event).toBe("string");
  }
  const events = records.map((r) => `${r.event}${r.reason ? `:${r.reason}` : ""}`);
  expect(events).toContain("server.listening");
  expect(events).toContain("setup.needed");
  expect(events).toContain("safe-state.trigger:last client left");
  expect(events).toContain("safe-state.action:last client left");
  expect(events).toContain("server.stopping");
  // SIGTERM: the server stops, then the safe state runs (the demo's onShutdown hook).
  const stopping = events.indexOf("server.stopping");
  expect(events.indexOf("safe-state.trigger:shutdown")).toBeGreaterThan(stopping);
  expect(events.indexOf("safe-state.done:shutdown")).toBeGreaterThan(stopping);
  expect(records.find((r) => r.event === "safe-state.action" && r.reason === "shutdown")).toMatchObject({
    level: "info",
    action: "LEDs off",
  });
}, 60000);

test("a bad flag with --log-format json is one JSON line (start.failed with code and fix), exit 2", async () => {
  const { p, out, pumped } = spawn(["--log-format", "json", "--port", "eighty"]);
  expect(await p.exited).toBe(2);
  await pumped;
  const records = parseAll(out);
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ level: "error", event: "start.failed", code: "DD_BAD_OPTION", found: '"eighty"' });
  expect(String(records[0]!.fix)).toContain("--port");
});
