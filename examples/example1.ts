// example1: shared and regular callbacks side by side (the original's example1.py).
// The "shared" slider and text box are one state for every tab: move the slider in one tab and it
// moves in all of them, and a newly opened tab starts where the others are. The "regular" ones
// belong to each tab alone. Run: bun run examples/example1.ts  (then open two tabs on :5000)
import { App, dcc, html, Input, Output } from "../src/index.ts";

const app = new App({ title: "Example 1" });

app.layout = html.Div([
  html.Div("Shared slider"),
  dcc.Slider({ id: "shared_slider", min: 0, max: 10, step: 1, value: 5, updatemode: "drag" }),
  html.Div({ id: "shared_slider_output" }),
  html.Div("Regular slider"),
  dcc.Slider({ id: "regular_slider", min: 0, max: 10, step: 1, value: 5, updatemode: "drag" }),
  html.Div({ id: "regular_slider_output" }),
  html.Div("Shared input"),
  dcc.Input({ id: "shared_input", type: "text", value: "" }),
  html.Div({ id: "shared_input_output" }),
  html.Div("Regular input"),
  dcc.Input({ id: "regular_input", type: "text", value: "" }),
  html.Div({ id: "regular_input_output" }),
]);

app.callbackShared(Output("shared_slider_output", "children"), [Input("shared_slider", "value")], (value) => value);
app.callback(Output("regular_slider_output", "children"), [Input("regular_slider", "value")], (value) => value);
app.callbackShared(Output("shared_input_output", "children"), [Input("shared_input", "value")], (value) => value);
app.callback(Output("regular_input_output", "children"), [Input("regular_input", "value")], (value) => value);

app.run({ port: 5000 });
