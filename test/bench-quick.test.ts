// `bun run bench:quick` (the CI smoke run of the benchmark) runs, exits 0 and prints the table
// with every row. Timings are not checked: this only proves the bench still works.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

const ROOT = join(import.meta.dir, "..");

/** Every row of the table, as the start of its label (placement in brackets varies by machine). */
const ROWS: RegExp[] = [
  ...["WebSocket", "HTTP"].flatMap((service) =>
    ["regular sync", "regular async", "shared sync", "shared async"].map(
      (kind) => new RegExp(`^round trip \\[[^\\]]+\\], ${service} service, ${kind} callback$`),
    ),
  ),
  /^floor \[[^\]]+\]: Bun WebSocket echo/,
  /^floor \[[^\]]+\]: Bun HTTP echo/,
  ...[10, 100, 1000].map((n) => new RegExp(`^fan-out: shared change to ${n} clients`)),
  ...[0, 100, 1000].map((n) => new RegExp(`^server memory, ${n} idle clients$`)),
  ...["WebSocket service, regular", "WebSocket service, shared", "HTTP service, regular", "HTTP service, shared"].map(
    (c) => new RegExp(`^browser: input event to DOM change, ${c} callback$`),
  ),
  /^device loop: 50 Hz pushMods to 100 clients, inter-arrival/,
  /^device loop: push to client/,
  /^start-up: compiled hello world/,
  /^start-up: compiled example1, exec to first 200/,
  /^start-up: compiled example1, first run/,
  /^flood: \d+ tabs' round trips while one socket floods invalid messages/,
  ...["the device thread", "the main thread"].map(
    (where) => new RegExp(`^device thread: 1 ms timer lateness during \\d+ awaited \\d+ ms transfers, bus on ${where}$`),
  ),
  ...["through the device thread", "on the main thread"].map(
    (where) => new RegExp(`^device thread: one awaited readByte on the simulated bus, ${where}$`),
  ),
  /^device thread: simulated GPIO, \d+ edges during a \d+ ms busy loop, \d+-event buffer/,
  /^relay floor: server CPU per shared change, 1 tab$/,
  /^relay floor: connecting \d+ tabs, server CPU$/,
  /^relay floor: server RSS per tab, \d+ -> \d+ tabs$/,
  /^relay floor: server idle CPU, \d+ tabs, [\d.]+ s$/,
  /^relay floor: fan-out to \d+ tabs, ours$/,
  /^relay floor: fan-out to \d+ tabs, raw Bun relay$/,
  /^relay floor: browser, tab A's slider change to tab B's DOM, ours \(example1\)$/,
  /^relay floor: browser, tab A's slider change to tab B's DOM, raw Bun relay floor page$/,
];

test("bench:quick runs every part and prints a table with every row", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dd-bench-test-"));
  try {
    const out = join(dir, "quick.json");
    const proc = Bun.spawn(["bun", "run", "bench:quick", "--out", out], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    const code = await proc.exited;
    if (code !== 0) console.error(stderr.slice(-3000));
    expect(code).toBe(0);

    const labels = stdout
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| measurement") && !l.startsWith("| target"))
      .map((l) => l.split("|").map((c) => c.trim()));
    for (const re of ROWS) {
      const row = labels.find((cells) => re.test(cells[1] ?? ""));
      expect(row, `row ${re} in:\n${stdout}`).toBeDefined();
      // A row either has figures or says why it was skipped (no Chromium on this machine).
      const measured = row!.slice(3, 7).some((c) => /^\d/.test(c)) || /RSS|delivered \d+|^ours .+, relay .+: >?=?x\d/.test(row![7] ?? "");
      expect(measured || /^skipped: no Chromium/.test(row![7] ?? ""), `row ${re} has no figures: ${row!.join(" | ")}`).toBe(true);
    }
    expect(stdout).not.toContain("failed");
    expect(stdout).toContain("| target | measured | met |");

    const json = JSON.parse(readFileSync(out, "utf8")) as { mode: string; rows: { id: string }[] };
    expect(json.mode).toBe("quick");
    expect(json.rows.length).toBeGreaterThanOrEqual(ROWS.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
