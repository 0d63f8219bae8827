/**
 * @module gpio/settings
 * Line settings ↔ uAPI v2 flags and attributes, with the kernel's validity rules checked before any
 * ioctl (edges and debounce need an input, drive modes an output, one bias, one drive), so a bad
 * combination fails with a message rather than the kernel's bare EINVAL. The simulated chip uses the
 * same checks, so both chips refuse the same requests.
 */

import { badArg, checkInt, type DeviceErrorContext } from "../device-error.ts";
import type { Bias, Bit, Drive, EdgeDetection, GpioLineInfo, LineSettings } from "./types.ts";
import * as U from "./uapi.ts";

const BIASES: readonly Bias[] = ["pull-up", "pull-down", "disabled"];
const DRIVES: readonly Drive[] = ["push-pull", "open-drain", "open-source"];
const EDGES: readonly EdgeDetection[] = ["rising", "falling", "both"];

export function validateSettings(s: LineSettings, count: number, ctx: DeviceErrorContext): void {
  const dir = s.direction ?? "input";
  if (dir !== "input" && dir !== "output") throw badArg("invalid direction", `"input" or "output"`, s.direction, "pick a direction", ctx);
  if (s.bias !== undefined && !BIASES.includes(s.bias))
    throw badArg(
      "invalid bias",
      BIASES.map((b) => `"${b}"`).join(", "),
      s.bias,
      "pick a bias, or leave it out to keep the current one",
      ctx,
    );
  if (s.drive !== undefined && !DRIVES.includes(s.drive))
    throw badArg("invalid drive", DRIVES.map((b) => `"${b}"`).join(", "), s.drive, "pick a drive mode", ctx);
  if (s.edge !== undefined && !EDGES.includes(s.edge))
    throw badArg("invalid edge", EDGES.map((b) => `"${b}"`).join(", "), s.edge, "pick the edges to report", ctx);
  if (dir === "output") {
    if (s.edge)
      throw badArg(
        "edge detection on an output line",
        'edge only with direction "input"',
        `edge "${s.edge}" with direction "output"`,
        "request the line as an input to get edge events",
        ctx,
      );
    if (s.debounceMs !== undefined)
      throw badArg(
        "debounce on an output line",
        'debounceMs only with direction "input"',
        `debounceMs ${s.debounceMs} on an output`,
        "remove debounceMs, or request an input",
        ctx,
      );
  } else {
    if (s.drive && s.drive !== "push-pull")
      throw badArg(
        "drive mode on an input line",
        'drive only with direction "output"',
        `drive "${s.drive}" on an input`,
        "request the line as an output, or remove drive",
        ctx,
      );
    if (s.initial !== undefined)
      throw badArg(
        "initial value on an input line",
        'initial only with direction "output"',
        `initial ${JSON.stringify(s.initial)} on an input`,
        "request the line as an output to drive it",
        ctx,
      );
  }
  if (s.debounceMs !== undefined && (typeof s.debounceMs !== "number" || !(s.debounceMs >= 0) || s.debounceMs * 1000 > 0xffffffff)) {
    throw badArg(
      "invalid debounceMs",
      "a number of milliseconds from 0 to 4294967 (µs resolution)",
      s.debounceMs,
      "pass e.g. debounceMs: 5",
      ctx,
    );
  }
  if (Array.isArray(s.initial) && s.initial.length !== count) {
    throw badArg(
      "initial values do not match the lines",
      `${count} values, one per requested line`,
      `${s.initial.length} values`,
      "pass one value for all lines, or one per line",
      ctx,
    );
  }
}

export function settingsToFlags(s: LineSettings): number {
  let f = (s.direction ?? "input") === "output" ? U.FLAG_OUTPUT : U.FLAG_INPUT;
  if (s.activeLow) f |= U.FLAG_ACTIVE_LOW;
  if (s.bias === "pull-up") f |= U.FLAG_BIAS_PULL_UP;
  if (s.bias === "pull-down") f |= U.FLAG_BIAS_PULL_DOWN;
  if (s.bias === "disabled") f |= U.FLAG_BIAS_DISABLED;
  if (s.drive === "open-drain") f |= U.FLAG_OPEN_DRAIN;
  if (s.drive === "open-source") f |= U.FLAG_OPEN_SOURCE;
  if (s.edge === "rising" || s.edge === "both") f |= U.FLAG_EDGE_RISING;
  if (s.edge === "falling" || s.edge === "both") f |= U.FLAG_EDGE_FALLING;
  return f;
}

export const bit = (v: Bit | boolean): Bit => (v === true || v === 1 ? 1 : 0);

/** Initial output values as a request bitmap. */
export function initialBits(initial: LineSettings["initial"], count: number): bigint {
  let bits = 0n;
  for (let i = 0; i < count; i++) {
    const v = Array.isArray(initial) ? initial[i] : initial;
    if (bit(v ?? 0)) bits |= 1n << BigInt(i);
  }
  return bits;
}

/** The attributes a request or reconfiguration carries: output values, debounce. */
export function configAttributes(s: LineSettings, count: number): U.ConfigAttribute[] {
  const all = (1n << BigInt(count)) - 1n;
  const attrs: U.ConfigAttribute[] = [];
  if ((s.direction ?? "input") === "output") attrs.push({ id: U.ATTR_ID_OUTPUT_VALUES, value: initialBits(s.initial, count), mask: all });
  if (s.debounceMs !== undefined) attrs.push({ id: U.ATTR_ID_DEBOUNCE, value: BigInt(Math.round(s.debounceMs * 1000)), mask: all });
  return attrs;
}

/** Kernel flags and attributes of one line → the fields of GpioLineInfo. */
export function flagsToInfo(flags: number, attrs: readonly U.RawAttribute[]): Omit<GpioLineInfo, "offset" | "name" | "consumer"> {
  const has = (f: number) => (flags & f) !== 0;
  const rising = has(U.FLAG_EDGE_RISING);
  const falling = has(U.FLAG_EDGE_FALLING);
  const debounce = attrs.find((a) => a.id === U.ATTR_ID_DEBOUNCE);
  return {
    used: has(U.FLAG_USED),
    direction: has(U.FLAG_OUTPUT) ? "output" : "input",
    activeLow: has(U.FLAG_ACTIVE_LOW),
    bias: has(U.FLAG_BIAS_PULL_UP)
      ? "pull-up"
      : has(U.FLAG_BIAS_PULL_DOWN)
        ? "pull-down"
        : has(U.FLAG_BIAS_DISABLED)
          ? "disabled"
          : undefined,
    drive: has(U.FLAG_OPEN_DRAIN) ? "open-drain" : has(U.FLAG_OPEN_SOURCE) ? "open-source" : "push-pull",
    edge: rising && falling ? "both" : rising ? "rising" : falling ? "falling" : undefined,
    debounceMs: debounce ? Number(debounce.value & 0xffffffffn) / 1000 : undefined,
  };
}

/** `17` or `[17, 27]` → a checked list of 1..64 distinct offsets. */
export function normalizeOffsets(lines: unknown, device: string): number[] {
  const list = typeof lines === "number" ? [lines] : Array.isArray(lines) ? [...lines] : undefined;
  if (!list || list.length === 0 || list.length > 64) {
    throw badArg("invalid lines", "a line offset or an array of 1 to 64 offsets", lines, "pass e.g. lines: 17 or lines: [17, 27]", {
      device,
    });
  }
  for (const o of list) checkInt("line offset", o, 0, 0xffffffff, { device });
  if (new Set(list).size !== list.length)
    throw badArg("duplicate line offsets", "each line once", list, "remove the duplicates", { device });
  return list as number[];
}
