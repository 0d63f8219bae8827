// app.ts: a small device. A BME280 sensor's temperature, live in every tab, and an LED's brightness
// (PCA9685 channel 0) set from a shared slider; the LED goes off when the last tab leaves or the
// app stops. Simulated chips unless you ask for the real bus: `bun app.ts --i2c-bus 1`
// (check the wiring first: `bunx dash-devices i2c scan --bus 1`, or `./gadget i2c scan --bus 1`).
import { App, dcc, html, Input, Output } from "dash-devices";
import { BME280, openBus, PCA9685, SafeState, SimBME280, SimI2CBus, SimPCA9685 } from "dash-devices/devices";

// database: false: no accounts, nothing written to disk. Without it the app keeps users, sessions
// and an audit log in ./data and serves /login and /admin (the first run prints a setup link).
const app = new App({ title: "Gadget", database: false });
const simulated = app.cli.sim || app.cli.i2cBus === undefined;
const simBus = new SimI2CBus({ bus: 1 }).attach(0x76, new SimBME280({ temperature: 21.5 })).attach(0x40, new SimPCA9685());
const bus = openBus(app.cli.i2cBus ?? 1, { sim: simulated ? simBus : false });
// Opened once, awaited where used (no top-level await: the binary's bytecode refuses it).
const sensorReady = BME280.open(bus, { address: 0x76, mode: "forced" });
const pwmReady = PCA9685.open(bus, { address: 0x40, frequency: 1000 });

const safe = new SafeState({ logger: app.log, signals: false });
safe.add("LED off", async () => (await pwmReady).setDuty(0, 0));
app.onShutdown(() => safe.trigger("shutdown"));

app.layout = html.Div([
  html.H1("Gadget"),
  html.P(simulated ? "Simulated chips (run with --i2c-bus 1 for the real ones)." : `Live hardware: ${bus.path}`),
  html.H3("Temperature (BME280)"),
  html.Div({ id: "reading", children: "…" }),
  html.H3("LED brightness (PCA9685 channel 0)"),
  dcc.Slider({ id: "brightness", min: 0, max: 100, value: 0, updatemode: "drag" }),
  html.Div({ id: "brightness_out" }),
]);

// Shared: every tab sees the result; calls reach the chip one at a time, in the order they came.
app.callbackShared(Output("brightness_out", "children"), Input("brightness", "value"), async (v: number) => {
  const pwm = await pwmReady;
  await safe.guard("pwm", () => pwm.setDuty(0, v / 100));
  return v === 0 ? "off" : `${v}%`;
});

// The sensor, read every second and pushed to every tab.
setInterval(async () => {
  try {
    const r = await (await sensorReady).read();
    app.pushMods({ reading: { children: `${r.temperature.toFixed(2)} °C` } });
  } catch (e) {
    app.pushMods({ reading: { children: `sensor error: ${(e as Error).message.split("\n")[0]}` } });
  }
}, 1000);

// Nobody watching: LED off, and the slider says so.
app.callbackConnect(async (_client, connected) => {
  if (connected || app.clients.size > 0) return;
  await safe.lastClientLeft();
  app.pushMods({ brightness: { value: 0 } });
});

app.run();
