/**
 * @module bench/markdown
 * dcc.Markdown's renderer (markdown-it, src/core/markdown.ts) against the hand-written parser it
 * replaced (src/core/markdown.ts at OLD_COMMIT, read from git into a temporary file), same process,
 * same documents, alternating: CPU µs per render (median of N batches, each batch about 40 ms of
 * CPU), on a README-sized document (~5 KB: headings, lists, nested lists, code fences, a table,
 * links, emphasis, autolinks) and on a ~100 KB one (the same sections repeated). Also prints the
 * minified bundle bytes each adds to a build and the node_modules bytes markdown-it brings.
 * CPU time, not wall time: the machine is shared. Run: `bun scripts/bench/markdown.ts [--runs N]`.
 * `--spec FILE` (the CommonMark spec's spec.txt) also counts, per section, the spec's examples each
 * renders as the spec says (HTML compared after a light normalisation: whitespace between tags,
 * `<br />`, entities for quotes); the raw-HTML sections fail for both by design (HTML is shown as text).
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { renderMarkdown } from "../../src/core/markdown.ts";

/** The last commit whose src/core/markdown.ts is the hand-written parser. */
const OLD_COMMIT = "513e769";
const root = resolve(import.meta.dir, "../..");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 21;

const SECTION = (n: number) => `## Sensor ${n}: *temperature* and **humidity**

The BME280 on bus \`/dev/i2c-1\` reports every [second](https://example.com/docs#rate "Sample rate").
See <https://example.com/bme280> and the [wiring guide](/docs/wiring.md). Values are in \`°C\`
and \`%RH\`; ~~old firmware~~ is no longer supported.

1. Enable I²C with \`raspi-config\`.
2. Wire it:
   - VIN to 3.3 V
   - GND to GND
   - SDA/SCL to pins 3 and 5
3. Start the app:

\`\`\`ts
import { App, dcc } from "dash-devices";
const app = new App();
app.layout = () => dcc.Markdown("# Hello ${n}");
app.run({ port: 8050 });
\`\`\`

| Reading | Unit | Range |
|:--------|:----:|------:|
| temperature | °C | -40 to 85 |
| humidity | %RH | 0 to 100 |

> **Note:** readings above 85 °C are clipped; a _snake_case_name_ stays as typed.

---
`;

const typical = `# dash-devices\n\nPut a gadget on the web.\n\n${[1, 2, 3, 4, 5].map(SECTION).join("\n")}`;
let big = "# Log\n\n";
for (let n = 1; big.length < 100_000; n++) big += SECTION(n) + "\n";

type Render = (s: string) => string;

/** The old parser, from git, with its two imports pointed at today's files. */
async function oldParser(dir: string): Promise<Render> {
  const code = execFileSync("git", ["show", `${OLD_COMMIT}:src/core/markdown.ts`], { cwd: root, encoding: "utf8" })
    .replace('from "./component.ts"', `from ${JSON.stringify(join(root, "src/core/component.ts"))}`)
    .replace('from "./escape.ts"', `from ${JSON.stringify(join(root, "src/core/escape.ts"))}`);
  const file = join(dir, "markdown-old.ts");
  writeFileSync(file, code);
  const mod = (await import(file)) as { renderMarkdown: Render };
  return mod.renderMarkdown;
}

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** CPU µs per render: median (and min, max) of `runs` batches sized to about 40 ms each. */
function measure(f: Render, doc: string): { median: number; min: number; max: number } {
  let batch = 1;
  for (;;) {
    const t = cpuUs();
    for (let i = 0; i < batch; i++) f(doc);
    if (cpuUs() - t > 40_000) break;
    batch *= 2;
  }
  const per: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = cpuUs();
    for (let i = 0; i < batch; i++) f(doc);
    per.push((cpuUs() - t) / batch);
  }
  per.sort((a, b) => a - b);
  return { median: per[per.length >> 1]!, min: per[0]!, max: per[per.length - 1]! };
}

/** Minified bundle bytes of a file that imports `entry` and renders once. */
async function bundleBytes(dir: string, name: string, importFrom: string): Promise<number> {
  const file = join(dir, `${name}-entry.ts`);
  writeFileSync(
    file,
    `import { renderMarkdown } from ${JSON.stringify(importFrom)};\nconsole.log(renderMarkdown(process.argv[2] ?? ""));\n`,
  );
  const out = await Bun.build({ entrypoints: [file], target: "bun", minify: true });
  if (!out.success) throw new Error(`bundle of ${name} failed: ${out.logs.join("\n")}`);
  return out.outputs[0]!.size;
}

function dirBytes(path: string): number {
  let n = 0;
  for (const f of readdirSync(path, { recursive: true, encoding: "utf8" })) {
    const s = statSync(join(path, f));
    if (s.isFile()) n += s.size;
  }
  return n;
}

/** The spec's examples: [section, markdown, expected HTML]. */
function specExamples(file: string): [string, string, string][] {
  const lines = readFileSync(file, "utf8").split("\n");
  const out: [string, string, string][] = [];
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    if (/^#{1,6} /.test(lines[i]!)) section = lines[i]!.replace(/^#+ /, "");
    if (!lines[i]!.startsWith("```````````````````````````````` example")) continue;
    const part: string[][] = [[], []];
    for (let k = 0, j = i + 1; ; j++) {
      if (k === 0 && lines[j] === ".") k = 1;
      else if (lines[j]!.startsWith("````````````````````````````````")) {
        i = j;
        break;
      } else part[k]!.push(lines[j]!);
    }
    const text = (p: string[]) => (p.length ? `${p.join("\n")}\n` : "").replaceAll("→", "\t");
    out.push([section, text(part[0]!), text(part[1]!)]);
  }
  return out;
}

const norm = (h: string) =>
  h
    .replace(/\s*\/>/g, ">")
    .replace(/<br>\s*/g, "<br>")
    .replace(/>\s+</g, "><")
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, " ")
    .trim();

function conformance(file: string, old: Render): void {
  const per = new Map<string, [number, number, number]>();
  for (const [section, src, want] of specExamples(file)) {
    const row = per.get(section) ?? [0, 0, 0];
    row[0]++;
    if (norm(old(src)) === norm(want)) row[1]++;
    if (norm(renderMarkdown(src)) === norm(want)) row[2]++;
    per.set(section, row);
  }
  console.log("| CommonMark spec section | examples | hand-written | markdown-it |\n| --- | ---: | ---: | ---: |");
  const sum = [0, 0, 0],
    noHtml = [0, 0, 0];
  for (const [section, row] of [...per].sort()) {
    console.log(`| ${section} | ${row.join(" | ")} |`);
    row.forEach((v, k) => {
      sum[k]! += v;
      if (!/HTML blocks|Raw HTML/.test(section)) noHtml[k]! += v;
    });
  }
  console.log(`| all | ${sum.join(" | ")} |\n| all but the raw-HTML sections | ${noHtml.join(" | ")} |`);
}

const dir = mkdtempSync(join(tmpdir(), "dd-md-bench-"));
try {
  const old = await oldParser(dir);
  const fmt = (x: number) => x.toFixed(1).padStart(8);
  console.log(
    `markdown: CPU µs per render, median of ${runs} batches (min-max); ${execFileSync("uptime", { encoding: "utf8" })
      .trim()
      .replace(/.*load/, "load")}`,
  );
  console.log("| document | bytes | hand-written (old) | markdown-it | ratio |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const [name, doc] of [
    ["README-sized", typical],
    ["100 KB", big],
  ] as const) {
    // Alternate, so drift in the machine's load falls on both.
    const a1 = measure(old, doc),
      b1 = measure(renderMarkdown, doc),
      a2 = measure(old, doc),
      b2 = measure(renderMarkdown, doc);
    const a = Math.min(a1.median, a2.median),
      b = Math.min(b1.median, b2.median);
    console.log(
      `| ${name} | ${doc.length} | ${fmt(a)} (${Math.min(a1.min, a2.min).toFixed(0)}-${Math.max(a1.max, a2.max).toFixed(0)}) | ${fmt(b)} (${Math.min(b1.min, b2.min).toFixed(0)}-${Math.max(b1.max, b2.max).toFixed(0)}) | ${(b / a).toFixed(2)}x |`,
    );
  }
  const spec = process.argv.indexOf("--spec");
  if (spec > 0) conformance(process.argv[spec + 1]!, old);
  const base = await bundleBytes(dir, "old", join(dir, "markdown-old.ts"));
  const now = await bundleBytes(dir, "new", join(root, "src/core/markdown.ts"));
  console.log(`minified bundle of a file rendering once: hand-written ${base} B, markdown-it ${now} B (+${now - base} B)`);
  const pkgs = ["markdown-it", "argparse", "entities", "linkify-it", "mdurl", "punycode.js", "uc.micro"];
  const bytes = pkgs.map((p) => [p, dirBytes(join(root, "node_modules", p))] as const);
  console.log(
    `node_modules: ${bytes.reduce((s, [, b]) => s + b, 0)} B in ${pkgs.length} packages (${bytes.map(([p, b]) => `${p} ${Math.round(b / 1024)} KB`).join(", ")})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
