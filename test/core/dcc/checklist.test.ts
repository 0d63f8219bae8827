import { describe, expect, test } from "bun:test";
import { html } from "../../../src/core/html.ts";
import { dcc } from "../../../src/core/dcc/index.ts";
import { elements } from "../../helpers/markup.ts";
import { bad, expectCode, read, render } from "../../helpers/render.ts";

const boxes = (out: string) => elements(out).filter((e) => e.tag === "input");

describe("dcc.Checklist markup", () => {
  test("group carries the id and sends on change; each checkbox is named after the id", () => {
    const out = render(dcc.Checklist({ id: "fans", options: ["a", "b"], value: ["b"] }));
    const [group] = elements(out);
    expect(group!.attrs).toMatchObject({ id: "fans", role: "group", "hx-ws:send": true, "hx-trigger": "change" });
    expect(boxes(out).map((b) => b.attrs)).toEqual([
      { type: "checkbox", name: "fans", value: "a" },
      { type: "checkbox", name: "fans", value: "b", checked: true },
    ]);
  });

  test("option objects: labels (also components), numbers, disabled, title; value matched as sent", () => {
    const out = render(
      dcc.Checklist({
        id: "c",
        options: [
          { label: html.B("One"), value: 1 },
          { label: "Two", value: 2, disabled: true, title: "busy" },
          { label: "Three", value: "3" },
        ],
        value: [2, "1"],
        inline: true,
      }),
    );
    expect(out).toContain("<span><b>One</b></span>");
    expect(out).toContain('<label class="dd-option" title="busy">');
    expect(elements(out)[0]!.attrs.class).toBe("dd-checklist dd-inline");
    expect(boxes(out).map((b) => [b.attrs.value, b.attrs.checked ?? false, b.attrs.disabled ?? false])).toEqual([
      ["1", true, false],
      ["2", true, true],
      ["3", false, false],
    ]);
  });

  test("Dash's dict shorthand { value: label }", () => {
    const out = render(dcc.Checklist({ id: "c", options: { on: "On", off: "Off" }, value: ["off"] }));
    expect(out).toContain("<span>On</span>");
    expect(boxes(out).map((b) => b.attrs.checked ?? false)).toEqual([false, true]);
  });

  test("disabled disables every box; label/input class and style props reach the elements", () => {
    const out = render(dcc.Checklist({ id: "c", options: ["a"], disabled: true, labelClassName: "big", inputStyle: { marginRight: 8 } }));
    expect(boxes(out)[0]!.attrs).toMatchObject({ disabled: true, style: "margin-right:8px;" });
    expect(out).toContain('class="dd-option big"');
  });

  test("bad props fail when made", () => {
    expectCode(() => dcc.Checklist({ id: "c", options: "a,b" }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.Checklist({ id: "c", options: [{ label: "x" }] }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.Checklist({ id: "c", options: [null] }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.Checklist({ id: "c", options: ["a"], value: "a" }), "DD_BAD_COMPONENT");
  });
});

describe("dcc.Checklist read", () => {
  const c = dcc.Checklist({
    id: "c",
    options: [1, "two", { label: "Off", value: false }, { label: "L", value: "locked", disabled: true }],
    value: [],
  });

  test("maps sent strings back to option values, in option order", () => {
    expect(read(c, { c: ["two", "1"] })).toEqual({ value: [1, "two"] });
    expect(read(c, { c: "false" })).toEqual({ value: [false] });
    expect(read(c, { c: ["1", "1"] })).toEqual({ value: [1] });
  });

  test("nothing checked: the key is missing, which reads as []", () => {
    expect(read(c, {})).toEqual({ value: [] });
    expect(read(c, { c: [] })).toEqual({ value: [] });
  });

  test("disabled options keep their current state (the browser never sends them)", () => {
    expect(read(c, { c: "two" }, { value: ["locked", 1] })).toEqual({ value: ["two", "locked"] });
    expect(read(c, {}, { value: ["locked"] })).toEqual({ value: ["locked"] });
  });

  test("refuses values that are not enabled options", () => {
    bad(() => read(c, { c: "3" }));
    bad(() => read(c, { c: ["1", "nope"] }));
    bad(() => read(c, { c: "locked" }));
    bad(() => read(c, { c: 1 }));
    bad(() => read(c, { c: [{}] }));
    bad(() => read(c, { c: ["1", "two", "false", "1", "two"] }));
  });
});
