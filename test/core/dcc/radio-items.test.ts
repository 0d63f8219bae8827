import { describe, expect, test } from "bun:test";
import { dcc } from "../../../src/core/dcc/index.ts";
import { elements } from "../../helpers/markup.ts";
import { bad, expectCode, read, render } from "../../helpers/render.ts";

describe("dcc.RadioItems markup", () => {
  test("radiogroup carries the id and sends; radios share the id as name; value is checked", () => {
    const out = render(
      dcc.RadioItems({
        id: "mode",
        options: [
          { label: "Auto", value: "auto" },
          { label: "Manual", value: "manual" },
        ],
        value: "manual",
      }),
    );
    const [group, ...rest] = elements(out);
    expect(group!.attrs).toMatchObject({ id: "mode", role: "radiogroup", "hx-ws:send": true, "hx-trigger": "change" });
    const radios = rest.filter((e) => e.tag === "input");
    expect(radios.map((r) => r.attrs)).toEqual([
      { type: "radio", name: "mode", value: "auto" },
      { type: "radio", name: "mode", value: "manual", checked: true },
    ]);
    expect(out).toContain("<span>Manual</span>");
  });

  test("a number value checks the matching number option; null checks none", () => {
    const num = elements(render(dcc.RadioItems({ id: "r", options: [1, 2, 3], value: 2 }))).filter((e) => e.attrs.checked);
    expect(num.map((e) => e.attrs.value)).toEqual(["2"]);
    expect(render(dcc.RadioItems({ id: "r", options: [1, 2], value: null }))).not.toContain("checked");
  });

  test("a list value fails when made", () => {
    expectCode(() => dcc.RadioItems({ id: "r", options: [1], value: [1] }), "DD_BAD_COMPONENT");
  });
});

describe("dcc.RadioItems read", () => {
  const c = dcc.RadioItems({ id: "r", options: [1, "b", { label: "X", value: "x", disabled: true }] });
  test("maps the sent string to the option value", () => {
    expect(read(c, { r: "1" })).toEqual({ value: 1 });
    expect(read(c, { r: "b" })).toEqual({ value: "b" });
    expect(read(c, { r: ["b"] })).toEqual({ value: "b" });
    expect(read(c, {})).toEqual({ value: null });
  });
  test("refuses unknown, disabled, several or non-string values", () => {
    bad(() => read(c, { r: "2" }));
    bad(() => read(c, { r: "x" }));
    bad(() => read(c, { r: ["1", "b"] }));
    bad(() => read(c, { r: 1 }));
    bad(() => read(c, { r: "" }));
  });
});
