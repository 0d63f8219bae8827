// app.ts: a thermostat. `bun run dev`, then open http://localhost:5000 in two tabs and move the
// slider in one: the other follows.
import { App, dcc, html, Input, Output } from "dash-devices";

// database: false: no accounts, nothing written to disk. Without it the app keeps users, sessions
// and an audit log in ./data and serves /login and /admin (the first run prints a setup link).
const app = new App({ title: "Thermostat", database: false });
app.layout = html.Div([
  html.H1("Thermostat"),
  dcc.Slider({ id: "setpoint", min: 50, max: 90, value: 70, updatemode: "drag" }),
  html.Div({ id: "shown" }),
]);
// Shared: every tab sees the result; calls are serialized; first call at server start.
app.callbackShared(Output("shown", "children"), Input("setpoint", "value"), (t: number) => `${t} °F`);
app.run();
