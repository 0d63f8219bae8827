/**
 * @module bench/app
 * The app under test: one slider and one output per kind of callback (regular/shared x
 * sync/async), a shared slider whose output goes to every tab (fan-out), and a sensor readout
 * that the device loop pushes to. Outputs carry a marker (`>rs=42;<` in the frame) that the
 * bench clients look for, so a fragment is recognized without a DOM.
 */

import { type App, dcc, html, Input, Output } from "../../src/index.ts";

/** Slider ids and how their outputs are marked. */
export const CASES = {
  rs: { kind: "regular", mode: "sync" },
  ra: { kind: "regular", mode: "async" },
  ss: { kind: "shared", mode: "sync" },
  sa: { kind: "shared", mode: "async" },
} as const;
export type CaseId = keyof typeof CASES;

export const FAN = "fan";
export const SENSOR = "sensor";
/** Sliders go this high so every sample can carry a distinct value. */
export const MAX_VALUE = 1_000_000_000;

/** The text an output shows for slider value `v`; `>${text}<` appears in the frame. */
export function outputText(id: string, v: number): string {
  return `${id}=${v};`;
}

export function outputId(id: string): string {
  return `${id}_out`;
}

export function buildBenchApp(app: App): void {
  const slider = (id: string) => dcc.Slider({ id, min: 0, max: MAX_VALUE, value: 0, step: 1, updatemode: "drag" });
  const row = (id: string, label: string) =>
    html.Div([html.Label(label), slider(id), html.Div({ id: outputId(id) })], { className: "bench-row" });
  app.layout = html.Div([
    html.H1("dash-devices bench"),
    row("rs", "regular, sync"),
    row("ra", "regular, async"),
    row("ss", "shared, sync"),
    row("sa", "shared, async"),
    row(FAN, "shared, fan-out"),
    html.Div([html.Label("sensor"), html.Div({ id: SENSOR, children: "-" })]),
  ]);
  app.callback(Output(outputId("rs"), "children"), Input("rs", "value"), (v: number) => outputText("rs", v));
  app.callback(Output(outputId("ra"), "children"), Input("ra", "value"), async (v: number) => {
    await null;
    return outputText("ra", v);
  });
  app.callbackShared(Output(outputId("ss"), "children"), Input("ss", "value"), (v: number) => outputText("ss", v));
  app.callbackShared(Output(outputId("sa"), "children"), Input("sa", "value"), async (v: number) => {
    await null;
    return outputText("sa", v);
  });
  app.callbackShared(Output(outputId(FAN), "children"), Input(FAN, "value"), (v: number) => outputText(FAN, v));
}

/** What the device loop pushes: a sample number (for the bench) and a reading (for show). */
export function sensorText(k: number): string {
  return `${SENSOR}=${k};${(21 + Math.sin(k / 25)).toFixed(2)} °C`;
}
