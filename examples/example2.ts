// example2: a thermostat (the original's example2.py). The set temperature is shared: move it in any
// tab and every tab follows. While at least one tab is open, a timer pushes a rolling 20-sample
// chart of the set temperature and a progress bar to every tab (app.pushMods); when the last tab
// closes the timer stops (app.callbackConnect). Run: bun run examples/example2.ts
import { App, dcc, html, Input, Output } from "../src/index.ts";

const app = new App({ title: "Example 2" });

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

app.callbackShared(Output("temp", "children"), Input("thermostat", "value"), (value: number) => {
  setTemp = value;
  return `${value} °F`;
});

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
