#!/usr/bin/env bun
// Builds one executable of an app (the demo by default) for the device: everything inside
// (htmx, glue, CSS, charts, database migrations). `bun run build [app.ts] [--target x64|arm64|all]
// [--outdir dist] [--name NAME]`. Prints each binary's size; cross-compiling arm64 works offline
// only if Bun's arm64 runtime is already cached (it is downloaded from npm's bun package otherwise).
import { basename } from "node:path";
import { statSync } from "node:fs";

const args = process.argv.slice(2);
const flag = (name: string, def?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
if (args.includes("--help")) {
  console.log("usage: bun run build [app.ts] [--target x64|arm64|all] [--outdir dist] [--name NAME] [--no-bytecode]");
  process.exit(0);
}
const entry = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "examples/demo.ts";
const outdir = flag("outdir", "dist")!;
const name = flag("name", basename(entry).replace(/\.ts$/, ""))!;
const which = flag("target", "x64")!;
const targets: Record<string, string> = { x64: "bun-linux-x64", arm64: "bun-linux-arm64" };
const chosen = which === "all" ? Object.keys(targets) : [which];
for (const t of chosen) {
  if (!targets[t]) {
    console.error(`[DD_BAD_OPTION] unknown target "${t}": expected x64, arm64 or all`);
    process.exit(2);
  }
}

let failed = false;
for (const t of chosen) {
  const outfile = `${outdir}/${name}-linux-${t}`;
  const cmd = ["bun", "build", "--compile", "--minify", `--target=${targets[t]}`, entry, "--outfile", outfile];
  // Bytecode makes start-up faster; it is only known to work for the host's own architecture.
  if (!args.includes("--no-bytecode") && t === (process.arch === "arm64" ? "arm64" : "x64")) cmd.splice(3, 0, "--bytecode");
  const t0 = performance.now();
  let p = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0 && cmd.includes("--bytecode")) {
    // Bytecode refuses some code (top-level await, for one): build without it rather than fail.
    console.warn(`note: --bytecode failed for ${t} (${p.stderr.toString().split("\n").find((l) => l.startsWith("error")) ?? "see below"}); building without bytecode`);
    cmd.splice(cmd.indexOf("--bytecode"), 1);
    p = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  }
  if (p.exitCode !== 0) {
    failed = true;
    console.error(`build for ${t} failed:\n${p.stderr.toString()}${p.stdout.toString()}`);
    continue;
  }
  const mb = (statSync(outfile).size / 1024 / 1024).toFixed(1);
  console.log(`${outfile}  ${mb} MB  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
process.exit(failed ? 1 : 0);
