/**
 * @module bench/startup
 * Cold start of a compiled app: from exec to the first 200 of `GET /`, compared with a compiled
 * hello world (Bun.serve answering 200) on the same machine. Both are built with the project's
 * build (`bun build --compile --minify --bytecode`), then run alternately N times each, not pinned
 * (a start uses several threads: the JIT's, the GC's); the client polls the port every 0.5 ms from
 * another process (this one).
 *
 * Rows: the hello world; the app on a data directory it used before (the usual start: a reboot,
 * a restart by systemd, an update); the app's first run on an empty data directory (creates and
 * migrates the database, prints the setup link). The ratio to the hello world's p50 is the
 * issue's target (within 1.5x).
 *
 * `DD_STARTUP_TRACE=1` in the app's environment logs where its start-up time went (see
 * src/server/startup-trace.ts); the app row's notes show it for one extra run. Alone:
 * `bun scripts/bench/startup.ts [--runs N] [--app FILE]` (FILE from an older checkout compares).
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../src/cli/build.ts";
import { summarize } from "./stats.ts";
import type { Row } from "./report.ts";

export interface StartupOptions {
  /** Runs of each binary. */
  runs: number;
  /** The app to compile (default examples/example1.ts). */
  app?: string;
}

const HELLO = `const i = process.argv.indexOf("--port");
Bun.serve({ hostname: "127.0.0.1", port: Number(process.argv[i + 1]), fetch: () => new Response("ok") });
`;

/** Free port: bind 0, read it, close. */
function freePort(): number {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const p = s.port!;
  s.stop(true);
  return p;
}

/** ms from spawn to the first 200 of GET / (the process is killed afterwards). */
async function timeToFirst200(cmd: string[], env: Record<string, string>): Promise<{ ms: number; output: string }> {
  const port = freePort();
  const t0 = performance.now();
  const proc = Bun.spawn([...cmd, "--port", String(port), "--host", "127.0.0.1"], { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let ms = NaN;
  const deadline = t0 + 20_000;
  while (performance.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      await r.arrayBuffer();
      if (r.status === 200) {
        ms = performance.now() - t0;
        break;
      }
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null) break;
    await Bun.sleep(0.5);
  }
  proc.kill("SIGTERM");
  await proc.exited;
  const output = (await new Response(proc.stderr).text()) + (await new Response(proc.stdout).text());
  if (!Number.isFinite(ms)) throw new Error(`${cmd[0]} never answered 200:\n${output.slice(-2000)}`);
  return { ms, output };
}

export async function runStartup(o: StartupOptions, log: (s: string) => void): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "dd-startup-"));
  try {
    const helloSrc = join(dir, "hello.ts");
    writeFileSync(helloSrc, HELLO);
    const target = process.arch === "arm64" ? "arm64" : "x64";
    const say = () => undefined;
    const [hello] = buildApp({ entry: helloSrc, targets: [target], outdir: dir, name: "hello", bytecode: true, say });
    const [app] = buildApp({
      entry: o.app ?? join(import.meta.dir, "../../examples/example1.ts"),
      targets: [target],
      outdir: dir,
      name: "app",
      bytecode: true,
      say,
    });
    log(`startup: built ${hello!.path} and ${app!.path}; ${o.runs} runs each`);
    const env = { PATH: process.env.PATH ?? "" };
    const warm = join(dir, "data-warm");
    // The usual data directory: the database exists and has an admin (no setup link to issue).
    const admin = Bun.spawnSync([app!.path, "--data-dir", warm, "--create-admin", "owner"], {
      env,
      stdin: new TextEncoder().encode("correct horse battery\n"),
      stdout: "pipe",
      stderr: "pipe",
    });
    if (admin.exitCode !== 0) throw new Error(`--create-admin failed: ${admin.stderr.toString()}`);
    const t = { hello: [] as number[], warm: [] as number[], fresh: [] as number[] };
    for (let i = 0; i < o.runs; i++) {
      t.hello.push((await timeToFirst200([hello!.path], env)).ms);
      t.warm.push((await timeToFirst200([app!.path, "--data-dir", warm], env)).ms);
      const fresh = join(dir, `data-${i}`);
      t.fresh.push((await timeToFirst200([app!.path, "--data-dir", fresh], env)).ms);
      rmSync(fresh, { recursive: true, force: true });
    }
    const trace = (await timeToFirst200([app!.path, "--data-dir", warm], { ...env, DD_STARTUP_TRACE: "1" })).output;
    const phases = /startup\.trace (.*)/.exec(trace)?.[1];
    const h = summarize(t.hello);
    const w = summarize(t.warm);
    const f = summarize(t.fresh);
    const pin = "not pinned: a start uses several threads (the JIT, the GC)";
    return [
      { id: "startup.hello", label: "start-up: compiled hello world (Bun.serve), exec to first 200", n: o.runs, ms: h, notes: [pin] },
      {
        id: "startup.app",
        label: "start-up: compiled example1, exec to first 200 of GET /",
        n: o.runs,
        ms: w,
        notes: [
          `x${(w.p50 / h.p50).toFixed(2)} of hello world at p50, x${(w.p90 / h.p90).toFixed(2)} at p90; existing data dir with an admin`,
          ...(phases ? [`phases: ${phases}`] : []),
        ],
        extra: { ratioP50: w.p50 / h.p50, ratioP90: w.p90 / h.p90 },
      },
      {
        id: "startup.first-run",
        label: "start-up: compiled example1, first run (new database)",
        n: o.runs,
        ms: f,
        notes: [`x${(f.p50 / h.p50).toFixed(2)} of hello world at p50; creates and migrates the database`],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  // `bun scripts/bench/startup.ts [--runs N] [--app FILE]` (e.g. FILE from an older checkout, to compare)
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const rows = await runStartup({ runs: Number(arg("--runs") ?? 20), app: arg("--app") }, (s) => process.stderr.write(`${s}\n`));
  for (const r of rows) console.log(`${r.label}: p50 ${r.ms!.p50.toFixed(1)} ms, p90 ${r.ms!.p90.toFixed(1)} ms; ${r.notes.join("; ")}`);
}
