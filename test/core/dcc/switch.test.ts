import { describe, expect, test } from "bun:test";
import { html } from "../../../src/core/html.ts";
import { dcc } from "../../../src/core/dcc/index.ts";
import { elements } from "../../helpers/markup.ts";
import { bad, expectCode, read, render } from "../../helpers/render.ts";

describe("dcc.Switch markup", () => {
  test("label carries the id and sends; the checkbox is a switch named after the id", () => {
    const out = render(dcc.Switch({ id: "pump", value: true, label: "Pump" }));
    const [root, box] = elements(out);
    expect(root!.tag).toBe("label");
    expect(root!.attrs).toMatchObject({ id: "pump", class: "dd-switch", "hx-ws:send": true, "hx-trigger": "change" });
    expect(box!.attrs).toEqual({ type: "checkbox", role: "switch", name: "pump", value: "on", checked: true });
    expect(out).toContain('<span class="dd-switch-label">Pump</span>');
  });
  test("off by default; disabled; label may be a component; labelPosition", () => {
    const out = render(dcc.Switch({ id: "s", disabled: true, label: html.B("Fan"), labelPosition: "left" }));
    const [root, box] = elements(out);
    expect(root!.attrs.class).toBe("dd-switch dd-label-left");
    expect(box!.attrs.checked).toBeUndefined();
    expect(box!.attrs.disabled).toBe(true);
    expect(out).toContain("<b>Fan</b>");
  });
  test("a value that is not a boolean fails when made", () => {
    expectCode(() => dcc.Switch({ id: "s", value: "on" }), "DD_BAD_COMPONENT");
    expectCode(() => dcc.Switch({ id: "s", value: 1 }), "DD_BAD_COMPONENT");
  });
});

describe("dcc.Switch read", () => {
  const c = dcc.Switch({ id: "s" });
  test("on when the id is sent, off when it is missing", () => {
    expect(read(c, { s: "on" })).toEqual({ value: true });
    expect(read(c, {})).toEqual({ value: false });
  });
  test("refuses anything but the checkbox value", () => {
    bad(() => read(c, { s: "off" }));
    bad(() => read(c, { s: "" }));
    bad(() => read(c, { s: true }));
    bad(() => read(c, { s: ["on", "on"] }));
    bad(() => read(c, { s: null }));
  });
});
