import { describe, expect, test } from "bun:test";
import { dcc } from "../../../src/core/dcc/index.ts";
import { elements } from "../../helpers/markup.ts";
import { bad, expectCode, read, render } from "../../helpers/render.ts";

describe("dcc.RangeSlider markup", () => {
  test("wrapper carries the id and sends; both inputs are named after the id", () => {
    const out = render(dcc.RangeSlider({ id: "band", min: 0, max: 100, step: 5, value: [20, 80] }));
    const [wrap, , lo, hi] = elements(out);
    expect(wrap!.attrs).toMatchObject({ id: "band", "hx-ws:send": true, "hx-trigger": "change" });
    expect(lo!.attrs).toMatchObject({ type: "range", name: "band", min: "0", max: "100", step: "5", value: "20" });
    expect(hi!.attrs).toMatchObject({ type: "range", name: "band", value: "80" });
    expect(elements(out).filter((e) => e.attrs.name === "band")).toHaveLength(2);
  });

  test("updatemode drag sends on input", () => {
    const [wrap] = elements(render(dcc.RangeSlider({ id: "b", updatemode: "drag" })));
    expect(wrap!.attrs["hx-trigger"]).toBe("input");
  });

  test("a reversed value is shown sorted; no value means the full range", () => {
    const rev = elements(render(dcc.RangeSlider({ id: "b", value: [8, 2] }))).filter((e) => e.tag === "input");
    expect(rev.map((e) => e.attrs.value)).toEqual(["2", "8"]);
    const none = elements(render(dcc.RangeSlider({ id: "b", min: 1, max: 9 }))).filter((e) => e.tag === "input");
    expect(none.map((e) => e.attrs.value)).toEqual(["1", "9"]);
  });

  test("marks render under the track; disabled disables both inputs", () => {
    const out = render(dcc.RangeSlider({ id: "b", marks: { 0: "cold", 10: "hot" }, disabled: true }));
    expect(out).toContain('<span class="dd-mark" style="left:100.000%">hot</span>');
    expect(elements(out).filter((e) => e.tag === "input" && e.attrs.disabled === true)).toHaveLength(2);
  });

  test("without an id nothing sends", () => {
    const out = render(dcc.RangeSlider({}));
    expect(out).not.toContain("hx-ws:send");
    expect(out).not.toContain("name=");
  });

  test("bad props fail when the component is made", () => {
    expectCode(() => dcc.RangeSlider({ id: "b", value: 3 }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.RangeSlider({ id: "b", value: [1, 20] }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.RangeSlider({ id: "b", updatemode: "release" }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.RangeSlider({ id: "b", min: 10, max: 0 }), "DD_BAD_COMPONENT");
  });
});

describe("dcc.RangeSlider read", () => {
  const c = dcc.RangeSlider({ id: "band", min: 0, max: 100 });
  test("reads two numbers, sorted", () => {
    expect(read(c, { band: ["20", "80"] })).toEqual({ value: [20, 80] });
    expect(read(c, { band: ["80", "20.5"] })).toEqual({ value: [21, 80] }); // snapped to the step (1): L5
    expect(read(c, { band: ["0", "100"] })).toEqual({ value: [0, 100] });
    expect(read(c, { band: ["7", "7"] })).toEqual({ value: [7, 7] });
  });
  test("refuses anything that is not two numbers in range", () => {
    bad(() => read(c, {}));
    bad(() => read(c, { band: "20" }));
    bad(() => read(c, { band: ["1", "2", "3"] }));
    bad(() => read(c, { band: ["20", "abc"] }));
    bad(() => read(c, { band: ["20", ""] }));
    bad(() => read(c, { band: ["-1", "50"] }));
    bad(() => read(c, { band: ["50", "101"] }));
    bad(() => read(c, { band: ["NaN", "50"] }));
    bad(() => read(c, { band: ["Infinity", "50"] }));
    bad(() => read(c, { band: [{}, "50"] }));
  });
});
