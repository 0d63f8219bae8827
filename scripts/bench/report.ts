/**
 * @module bench/report
 * What a bench run produces: rows (one measured distribution each, or a single figure such as
 * RSS), target checks, the markdown table printed at the end and the JSON written beside it.
 */

import { cpus } from "node:os";
import { readFileSync } from "node:fs";
import { fmtMs, roundSummary, type Summary } from "./stats.ts";

export interface Row {
  /** Stable key, e.g. "rt.ws.regular.sync" (the JSON and the quick test use it). */
  id: string;
  /** Shown in the table. */
  label: string;
  /** Samples (or clients, for memory rows). */
  n: number;
  /** Distribution in ms, if the row measures a time. */
  ms?: Summary;
  notes: string[];
  extra?: Record<string, unknown>;
  /** Set when the part could not run here (e.g. no Chromium). */
  skipped?: string;
}

export interface TargetCheck {
  target: string;
  measured: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

export interface Machine {
  nproc: number;
  cpu: string;
  bun: string;
  platform: string;
  kernel: string;
}

export function machine(): Machine {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? model;
  } catch {}
  let kernel = "";
  try {
    kernel = readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  } catch {}
  return { nproc: navigator.hardwareConcurrency, cpu: model, bun: Bun.version, platform: `${process.platform}-${process.arch}`, kernel };
}

export function table(rows: Row[]): string {
  const out = ["| measurement | n | p50 ms | p90 ms | p99 ms | max ms | notes |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |"];
  for (const r of rows) {
    const s = r.ms;
    const cells = s ? [fmtMs(s.p50), fmtMs(s.p90), fmtMs(s.p99), fmtMs(s.max)] : ["", "", "", ""];
    const notes = r.skipped ? `skipped: ${r.skipped}` : r.notes.join("; ");
    out.push(`| ${r.label} | ${r.n} | ${cells.join(" | ")} | ${notes} |`);
  }
  return out.join("\n");
}

export function targetTable(checks: TargetCheck[]): string {
  const out = ["| target | measured | met |", "| --- | --- | --- |"];
  for (const c of checks) out.push(`| ${c.target} | ${c.measured} | ${c.met === null ? "not measured" : c.met ? "yes" : "**no**"} |`);
  return out.join("\n");
}

export function toJson(mode: string, rows: Row[], checks: TargetCheck[], startedAt: Date, seconds: number): unknown {
  return {
    tool: "dash-devices bench",
    mode,
    startedAt: startedAt.toISOString(),
    seconds: Math.round(seconds * 10) / 10,
    machine: machine(),
    rows: rows.map((r) => ({ ...r, ms: r.ms ? roundSummary(r.ms) : undefined })),
    targets: checks,
  };
}
