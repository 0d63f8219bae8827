// example1a: callbacks without output (the original's example1a.py). A shared callback may exist
// only for its side effect (drive the device, take a picture): pass null as the output. Moving the
// "no output" slider in one tab moves it in every tab and prints a line on the server; nothing else
// changes, and such callbacks get no initial call. Run: bun run examples/example1a.ts
import { App, dcc, html, Input, Output } from "../src/index.ts";

const app = new App({ title: "Example 1a" });

app.layout = html.Div([
  html.Div("Shared slider no output"),
  dcc.Slider({ id: "shared_slider_no_output", min: 0, max: 10, step: 1, value: 5, updatemode: "drag" }),
  html.Div("Shared slider with output"),
  dcc.Slider({ id: "shared_slider_output", min: 0, max: 10, step: 1, value: 5, updatemode: "drag" }),
  html.Div({ id: "shared_slider_output_output" }),
  html.Div("Regular slider"),
  dcc.Slider({ id: "regular_slider", min: 0, max: 10, step: 1, value: 5, updatemode: "drag" }),
  html.Div({ id: "regular_slider_output" }),
  html.Div("Shared input no output"),
  dcc.Input({ id: "shared_input_no_output", type: "text", value: "" }),
  html.Div("Shared input with output"),
  dcc.Input({ id: "shared_input_output", type: "text", value: "" }),
  html.Div({ id: "shared_input_output_output" }),
  html.Div("Regular input"),
  dcc.Input({ id: "regular_input", type: "text", value: "" }),
  html.Div({ id: "regular_input_output" }),
]);

app.callbackShared(null, [Input("shared_slider_no_output", "value")], (value) => {
  console.log("Shared slider no output", value);
});
app.callbackShared(Output("shared_slider_output_output", "children"), [Input("shared_slider_output", "value")], (value) => value);
app.callback(Output("regular_slider_output", "children"), [Input("regular_slider", "value")], (value) => value);
app.callbackShared(null, [Input("shared_input_no_output", "value")], (value) => {
  console.log("Shared input no output", value);
});
app.callbackShared(Output("shared_input_output_output", "children"), [Input("shared_input_output", "value")], (value) => value);
app.callback(Output("regular_input_output", "children"), [Input("regular_input", "value")], (value) => value);

app.run({ port: 5000 });
