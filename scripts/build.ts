#!/usr/bin/env bun
// Builds one executable of an app (the demo by default) for the device, with the same code as
// `dash-devices build` (src/cli/build.ts): `bun run build [app.ts] [--target x64|arm64|all]
// [--outdir dist] [--name NAME] [--no-bytecode]`. Prints each binary's size. Cross-compiling arm64
// works offline only if Bun's arm64 runtime is already cached (else it comes from npm's bun package).
import { DashDevicesError } from "../src/core/errors.ts";
import { buildApp, parseTargets } from "../src/cli/build.ts";

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
try {
  buildApp({
    entry,
    targets: parseTargets(flag("target", "x64")!),
    outdir: flag("outdir", "dist"),
    name: flag("name"),
    bytecode: !args.includes("--no-bytecode"),
  });
} catch (e) {
  if (!(e instanceof DashDevicesError)) throw e;
  console.error(`error: ${e.message}`);
  process.exit(e.code === "DD_BAD_OPTION" ? 2 : 1);
}
