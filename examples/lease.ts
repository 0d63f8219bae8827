// lease: one tab at a time drives the device, the others watch live (a control lease). The first
// tab to move a control takes control; others can request it, the holder hands it over or gives it
// back, and it returns by itself after 30 s without a change. Admins can take it, or give it to any
// tab from /admin. Run: bun run examples/lease.ts  (then open two tabs)
import { App, dcc, html, Input, Output } from "../src/index.ts";

const app = new App({ title: "Robot arm" });
const lease = app.controlLease({ idleMs: 30_000 });

app.layout = html.Div([
  html.H1("Robot arm"),
  lease.panel(),
  html.H4("Base"),
  dcc.Slider({ id: "base", min: -90, max: 90, step: 1, value: 0, updatemode: "drag", marks: { [-90]: "-90°", 0: "0°", 90: "90°" } }),
  html.H4("Gripper"),
  dcc.Switch({ id: "gripper", value: false, label: "closed" }),
  html.Pre({ id: "arm_state" }),
]);

app.callbackShared(
  Output("arm_state", "children"),
  Input("base", "value"),
  Input("gripper", "value"),
  (base: number, closed: boolean) => `base ${base}°, gripper ${closed ? "closed" : "open"}`,
);

app.run({ port: 5000 });
