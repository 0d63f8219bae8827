// example2a: example2 with a clientside callback (the original's example2a.py). The shared callback
// has no output: it only stores the set temperature for the chart. The "NN °F" label is computed in
// the browser from the slider's value (app.clientsideCallback), with no server round trip, and it
// follows when another tab moves the slider. Run: bun run examples/example2a.ts
import { App, dcc, html, Input, Output } from "../src/index.ts";

const app = new App({ title: "Example 2a" });

const marks: Record<number, string> = {};
for (let t = 50; t <= 90; t += 5) marks[t] = `${t} °F`;

app.layout = html.Div([
  html.H3("Thermostat"),
  dcc.Slider({ id: "thermostat", min: 50, max: 90, step: 1, value: 70, marks, updatemode: "drag" }),
  html.Div({ id: "temp" }),
  dcc.Graph({ id: "temp_graph" }),
  html.Div("Server rebooting"),
  html.Progress({ id: "progress", max: 10, value: 0 }),
]);

let setTemp = 70;
const history: number[] = Array(20).fill(70);
let count = 0;
let timer: ReturnType<typeof setInterval> | undefined;

app.callbackShared(null, Input("thermostat", "value"), (value: number) => {
  setTemp = value;
});
app.clientsideCallback("(value) => value + ' °F'", Output("temp", "children"), Input("thermostat", "value"));

function tick() {
  history.shift();
  history.push(setTemp);
  const figure = {
    data: [{ x: history.map((_, i) => i), y: [...history], type: "scatter", mode: "lines", name: "set temperature" }],
    layout: { yaxis: { range: [49, 91] }, xaxis: { range: [0, 19] }, height: 300 },
  };
  app.pushMods({ temp_graph: { figure }, progress: { value: count } });
  count = (count + 1) % 11;
}

app.callbackConnect((_client, connected) => {
  if (connected && app.clients.size === 1 && !timer) timer = setInterval(tick, 500);
  if (!connected && app.clients.size === 0 && timer) {
    clearInterval(timer);
    timer = undefined;
  }
});

app.run({ port: 5000 });
