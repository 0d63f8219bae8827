// L5: a slider's `step` was not enforced ("2.5" and "0x5" were accepted by a step-1 slider).
// Values must be decimal numbers within [min, max]; they are snapped to the step grid from min,
// as the browser's own range input does (friendlier than a refusal for float drift such as
// 0.30000000000000004); `step: null` ("any") takes any decimal. Also RangeSlider and
// dcc.Input type=number when it has a step.
import { describe, expect, test } from "bun:test";
import { dcc } from "../../../src/core/dcc/index.ts";
import { html, Input, Output } from "../../../src/index.ts";
import { expectCode, read } from "../../helpers/render.ts";
import { useApp, useTabs } from "../../helpers/fixtures.ts";

describe("L5: dcc.Slider", () => {
  const s = dcc.Slider({ id: "s", min: 0, max: 10 }); // step 1 by default
  test("off-step values snap to the grid from min (ties go up), never past max", () => {
    expect(read(s, { s: "2.5" })).toEqual({ value: 3 });
    expect(read(s, { s: "2.4" })).toEqual({ value: 2 });
    expect(read(s, { s: "7" })).toEqual({ value: 7 });
    expect(read(dcc.Slider({ id: "s", min: 1, max: 10, step: 3 }), { s: "10" })).toEqual({ value: 10 });
    expect(read(dcc.Slider({ id: "s", min: 0, max: 10, step: 4 }), { s: "10" })).toEqual({ value: 8 });
    expect(read(dcc.Slider({ id: "s", min: 0.5, max: 10, step: 2 }), { s: "3" })).toEqual({ value: 2.5 });
  });
  test("float drift lands on the step's decimals", () => {
    const f = dcc.Slider({ id: "f", min: 0, max: 1, step: 0.1 });
    expect(read(f, { f: "0.30000000000000004" })).toEqual({ value: 0.3 });
    expect(read(f, { f: "0.7" })).toEqual({ value: 0.7 });
  });
  test("only decimal numbers: no hex, binary, Infinity, empty or padded values", () => {
    for (const v of ["0x5", "0b1", "0o7", "Infinity", "-Infinity", "", " 5", "5 ", "1e400", "NaN", "5px"])
      expectCode(() => read(s, { s: v }), "DD_BAD_VALUE");
    expect(read(s, { s: "1e0" })).toEqual({ value: 1 });
    expect(read(s, { s: ".5" })).toEqual({ value: 1 });
  });
  test("out of range is still refused, and step null takes any decimal", () => {
    expectCode(() => read(s, { s: "11" }), "DD_BAD_VALUE");
    expectCode(() => read(s, { s: "-0.5" }), "DD_BAD_VALUE");
    expect(read(dcc.Slider({ id: "a", min: 0, max: 10, step: null }), { a: "2.537" })).toEqual({ value: 2.537 });
  });
});

describe("L5: dcc.RangeSlider and dcc.Input", () => {
  test("both ends of a range snap to the step; hex is refused", () => {
    const r = dcc.RangeSlider({ id: "r", min: 0, max: 100, step: 5 });
    expect(read(r, { r: ["12", "88"] })).toEqual({ value: [10, 90] });
    expectCode(() => read(r, { r: ["0x5", "20"] }), "DD_BAD_VALUE");
  });
  test("a number input with a step snaps; without one it takes any decimal", () => {
    expect(read(dcc.Input({ id: "n", type: "number", min: 0, max: 10, step: 0.5 }), { n: "2.3" })).toEqual({ value: 2.5 });
    expect(read(dcc.Input({ id: "n", type: "number" }), { n: "2.3" })).toEqual({ value: 2.3 });
    expect(read(dcc.Input({ id: "n", type: "number" }), { n: "" })).toEqual({ value: null });
    expectCode(() => read(dcc.Input({ id: "n", type: "number" }), { n: "0x10" }), "DD_BAD_VALUE");
  });
});

describe("L5: a real app", () => {
  const seen: unknown[] = [];
  const srv = useApp((app) => {
    app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 10, value: 1 }), html.Div({ id: "o" })]);
    app.callbackShared(Output("o", "children"), Input("s", "value"), (v) => (seen.push(v), `v${v}`));
  });
  const tabs = useTabs(srv);

  test('L5: over a real socket, a step-1 slider stores 3 for "2.5" and refuses "0x5"', async () => {
    const t = await tabs.open();
    await t.change("s", "2.5");
    await t.waitText("o", "v3");
    expect(srv.runtime.value("s", "value")).toBe(3);
    await t.change("s", "0x5");
    expect(t.errors.at(-1)?.code).toBe("DD_BAD_VALUE");
    expect(t.errors.at(-1)?.message).toContain("decimal");
    expect(srv.runtime.value("s", "value")).toBe(3);
    expect(seen).toEqual([1, 3]);
  });
});
