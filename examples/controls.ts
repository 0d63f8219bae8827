// controls: every dcc control, shared between tabs. Change anything in one tab and watch the
// other follow; the line under each control is the value the server has. A dcc.Loading spins
// around a slow output. Run: bun run examples/controls.ts
import { App, dcc, html, Input, Output } from "../src/index.ts";

const app = new App({ title: "Controls" });

const row = (label: string, control: ReturnType<typeof html.Div>, id: string) =>
  html.Section([html.H4(label), control, html.Pre({ id: `${id}_out`, className: "dd-value" })]);

app.layout = html.Div([
  html.H2("Every control, shared"),
  row("Slider", dcc.Slider({ id: "slider", min: 0, max: 10, value: 3, marks: { 0: "0", 5: "5", 10: "10" }, updatemode: "drag" }), "slider"),
  row("RangeSlider", dcc.RangeSlider({ id: "range", min: 0, max: 100, value: [20, 80] }), "range"),
  row("Input", dcc.Input({ id: "text", placeholder: "type here", value: "" }), "text"),
  row("Number", dcc.Input({ id: "number", type: "number", min: 0, max: 100, value: 42 }), "number"),
  row("Textarea", dcc.Textarea({ id: "area", value: "", rows: 2 }), "area"),
  row("Checklist", dcc.Checklist({ id: "check", options: ["red", "green", "blue"], value: ["green"], inline: true }), "check"),
  row(
    "RadioItems",
    dcc.RadioItems({
      id: "radio",
      options: [
        { label: "Low", value: 1 },
        { label: "High", value: 2 },
      ],
      value: 1,
      inline: true,
    }),
    "radio",
  ),
  row("Dropdown", dcc.Dropdown({ id: "drop", options: ["auto", "manual", "off"], value: "auto" }), "drop"),
  row("Dropdown (multi)", dcc.Dropdown({ id: "multi", options: ["a", "b", "c"], value: ["a"], multi: true }), "multi"),
  row("Switch", dcc.Switch({ id: "switch", value: false, label: "Relay" }), "switch"),
  html.Section([html.H4("Button"), html.Button("Press", { id: "button" }), html.Pre({ id: "button_out", className: "dd-value" })]),
  html.Section([
    html.H4("Slow output (dcc.Loading)"),
    dcc.Slider({ id: "slow", min: 0, max: 10, value: 0 }),
    dcc.Loading(html.Pre({ id: "slow_out", className: "dd-value" })),
  ]),
  dcc.Markdown("Rendered by `dcc.Markdown`: **bold**, _italic_, and <b>raw HTML shown as text</b>."),
]);

for (const id of ["slider", "range", "text", "number", "area", "check", "radio", "drop", "multi", "switch"]) {
  app.callbackShared(Output(`${id}_out`, "children"), Input(id, "value"), (v: unknown) => JSON.stringify(v));
}
app.callbackShared(Output("button_out", "children"), Input("button", "n_clicks"), (n: unknown) => `pressed ${n ?? 0} times`);
app.callbackShared(Output("slow_out", "children"), Input("slow", "value"), async (v: number) => {
  await Bun.sleep(400);
  return `slow ${v}`;
});

app.run({ port: 5000 });
