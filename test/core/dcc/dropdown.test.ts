import { describe, expect, test } from "bun:test";
import { dcc } from "../../../src/core/dcc/index.ts";
import { elements } from "../../helpers/markup.ts";
import { bad, expectCode, read, render } from "../../helpers/render.ts";

const opts = (out: string) => elements(out).filter((e) => e.tag === "option");

describe("dcc.Dropdown markup", () => {
  test("a native select that is the control: id, name, sends on change; value selected", () => {
    const out = render(
      dcc.Dropdown({
        id: "dev",
        options: [
          { label: "Pump", value: "pump" },
          { label: "Fan", value: "fan" },
        ],
        value: "fan",
      }),
    );
    const [sel] = elements(out);
    expect(sel!.tag).toBe("select");
    expect(sel!.attrs).toMatchObject({ id: "dev", name: "dev", "hx-ws:send": true, "hx-trigger": "change" });
    expect(sel!.attrs.multiple).toBeUndefined();
    expect(opts(out).map((o) => [o.attrs.value, o.attrs.selected ?? false])).toEqual([
      ["", false],
      ["pump", false],
      ["fan", true],
    ]);
    expect(out).toContain(">Fan</option>");
  });

  test("clearable (the default) offers the placeholder; nothing chosen selects it", () => {
    const out = render(dcc.Dropdown({ id: "d", options: ["a"], placeholder: "Pick one" }));
    expect(opts(out)[0]!.attrs).toEqual({ value: "", selected: true });
    expect(out).toContain(">Pick one</option>");
  });

  test("not clearable: no placeholder once a value is chosen; a disabled one while none is", () => {
    expect(opts(render(dcc.Dropdown({ id: "d", options: ["a", "b"], value: "b", clearable: false }))).map((o) => o.attrs.value)).toEqual([
      "a",
      "b",
    ]);
    expect(opts(render(dcc.Dropdown({ id: "d", options: ["a"], clearable: false })))[0]!.attrs).toEqual({
      value: "",
      selected: true,
      disabled: true,
    });
  });

  test("multi: a multiple select, every value selected, no placeholder", () => {
    const out = render(dcc.Dropdown({ id: "d", options: [1, 2, 3], value: [1, 3], multi: true }));
    expect(elements(out)[0]!.attrs.multiple).toBe(true);
    expect(opts(out).map((o) => [o.attrs.value, o.attrs.selected ?? false])).toEqual([
      ["1", true],
      ["2", false],
      ["3", true],
    ]);
  });

  test("component labels fall back to the value (options hold only text)", () => {
    const out = render(dcc.Dropdown({ id: "d", options: [{ label: dcc.Markdown("**x**"), value: "v" }] }));
    expect(out).toContain('<option value="v">v</option>');
  });

  test("bad props fail when made", () => {
    expectCode(() => dcc.Dropdown({ id: "d", options: ["a"], value: ["a"] }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.Dropdown({ id: "d", options: ["a"], value: "a", multi: true }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.Dropdown({ id: "d", options: [{ value: { nested: 1 } }] }), "DD_BAD_COMPONENT");
  });
});

describe("dcc.Dropdown read", () => {
  const single = dcc.Dropdown({ id: "d", options: [1, "b", { label: "X", value: "x", disabled: true }] });
  test("single: the option value; the placeholder reads as null", () => {
    expect(read(single, { d: "1" })).toEqual({ value: 1 });
    expect(read(single, { d: "b" })).toEqual({ value: "b" });
    expect(read(single, { d: "" })).toEqual({ value: null });
  });
  test("single: refuses unknown, disabled, several, missing or non-string values", () => {
    bad(() => read(single, { d: "2" }));
    bad(() => read(single, { d: "x" }));
    bad(() => read(single, { d: ["1", "b"] }));
    bad(() => read(single, {}));
    bad(() => read(single, { d: 1 }));
    bad(() => read(single, { d: null }));
  });
  test("single, not clearable: the placeholder is refused", () => {
    bad(() => read(dcc.Dropdown({ id: "d", options: ["a"], clearable: false }), { d: "" }));
  });
  test('an option whose value is "" is that option, not the placeholder', () => {
    expect(read(dcc.Dropdown({ id: "d", options: [{ label: "none", value: "" }] }), { d: "" })).toEqual({ value: "" });
  });

  const multi = dcc.Dropdown({ id: "m", options: [1, 2, { label: "L", value: 3, disabled: true }], multi: true, value: [] });
  test("multi: a list in option order; nothing selected reads as []", () => {
    expect(read(multi, { m: ["2", "1"] })).toEqual({ value: [1, 2] });
    expect(read(multi, { m: "2" })).toEqual({ value: [2] });
    expect(read(multi, {})).toEqual({ value: [] });
    expect(read(multi, { m: "1" }, { value: [3] })).toEqual({ value: [1, 3] });
  });
  test("multi: refuses unknown, disabled or too many values", () => {
    bad(() => read(multi, { m: ["1", "4"] }));
    bad(() => read(multi, { m: "3" }));
    bad(() => read(multi, { m: ["1", "2", "1", "2"] }));
    bad(() => read(multi, { m: [1] }));
  });
});
