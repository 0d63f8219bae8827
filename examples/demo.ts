// demo: a small device, live in every tab. A BME280 sensor streams its temperature to a chart; a
// PCA9685 drives an LED's brightness (a shared slider); a GPIO button's presses show up in every
// tab; a GPIO LED is switched from any tab. When the last tab leaves, or the process is stopped, the
// LEDs go off (safe state).
//
// Simulated by default (no hardware needed); on a Raspberry Pi with the parts wired:
//   bun run examples/demo.ts --i2c-bus 1 --gpiochip 0     (Pi 5: --gpiochip 4)
// Wiring: BME280 at 0x76 and PCA9685 at 0x40 on I2C bus 1 (LED on PCA9685 channel 0);
// LED on GPIO 17, push button from GPIO 27 to ground (internal pull-up).
import { App, dcc, html, Input, Output } from "../src/index.ts";
import { BME280, openBus, openGpioChip, PCA9685, SafeState, SimBME280, SimGpioChip, SimI2CBus, SimPCA9685 } from "../src/devices/index.ts";

const app = new App({ title: "Device demo" });
const cli = app.cli;
const LED_LINE = 17;
const BUTTON_LINE = 27;

// ---- hardware (real when asked for with flags, simulated otherwise)
const simulated = cli.sim || cli.i2cBus === undefined;
const simBus = new SimI2CBus({ bus: 1 });
const simSensor = new SimBME280({ temperature: 21.5, pressure: 101_325, humidity: 45 });
simBus.attach(0x76, simSensor).attach(0x40, new SimPCA9685());
const bus = openBus(cli.i2cBus ?? 1, { sim: simulated ? simBus : false });
const chip = openGpioChip(cli.gpiochip ?? 0, { sim: cli.sim || cli.gpiochip === undefined ? new SimGpioChip({ lines: 32 }) : false });
// Opened once; awaited where used (no top-level await: `bun build --compile --bytecode` refuses it).
const sensorReady = BME280.open(bus, { address: 0x76, mode: "forced" });
const pwmReady = PCA9685.open(bus, { address: 0x40, frequency: 1000 });
const led = chip.output(LED_LINE, 0, {});
const button = chip.input(BUTTON_LINE, { bias: "pull-up", edge: "falling", debounceMs: 10 });

const safe = new SafeState({ logger: app.log, signals: false });
safe.add("LEDs off", async () => {
  led.write(0);
  await (await pwmReady).setDuty(0, 0);
});
app.onShutdown(() => safe.trigger("shutdown"));

// ---- layout
const WINDOW = 120;
app.layout = html.Div([
  html.H1("Device demo"),
  html.P(
    simulated
      ? "Simulated devices: no hardware was asked for. On a Pi run with --i2c-bus 1 --gpiochip 0."
      : `Live hardware: ${bus.path} and ${chip.path}.`,
    { className: "dd-muted" },
  ),
  html.Section([
    html.H3("Temperature (BME280)"),
    html.Div({ id: "reading", children: "…" }),
    dcc.Graph({
      id: "temp_graph",
      figure: {
        data: [{ x: [], y: [], name: "°C", mode: "lines" }],
        layout: { height: 260, xaxis: { title: "seconds" }, yaxis: { title: "°C" } },
      },
    }),
  ]),
  html.Section([
    html.H3("LED brightness (PCA9685 channel 0)"),
    dcc.Slider({ id: "brightness", min: 0, max: 100, step: 1, value: 0, updatemode: "drag", marks: { 0: "off", 50: "50%", 100: "100%" } }),
    html.Div({ id: "brightness_out" }),
  ]),
  html.Section([html.H3(`LED (GPIO ${LED_LINE})`), dcc.Switch({ id: "led", value: false, label: "LED" }), html.Div({ id: "led_out" })]),
  html.Section([
    html.H3(`Button (GPIO ${BUTTON_LINE})`),
    html.Div({ id: "presses", children: "Not pressed yet" }),
    simulated ? html.Button("Press the simulated button", { id: "sim_press" }) : null,
  ]),
]);

// ---- shared controls drive the hardware; every tab sees the result
app.callbackShared(
  Output("brightness_out", "children"),
  Input("brightness", "value"),
  async (v: number) => {
    const pwm = await pwmReady;
    await safe.guard("pwm", () => pwm.setDuty(0, v / 100));
    return v === 0 ? "off" : `${v}%`;
  },
  { service: { mostRecent: true, serialized: true } },
);

app.callbackShared(Output("led_out", "children"), Input("led", "value"), (on: boolean) => {
  led.write(on ? 1 : 0);
  return on ? "on" : "off";
});

// ---- the button: kernel edge events, pushed to every tab
let presses = 0;
button.on("edge", () => {
  presses++;
  app.pushMods({
    presses: { children: `Pressed ${presses} time${presses === 1 ? "" : "s"} (last at ${new Date().toLocaleTimeString()})` },
  });
});
if (simulated) {
  const sim = chip as SimGpioChip;
  sim.setInput(BUTTON_LINE, 1);
  app.callback(null, Input("sim_press", "n_clicks"), () => {
    sim.setInput(BUTTON_LINE, 0);
    setTimeout(() => sim.setInput(BUTTON_LINE, 1), 50);
  });
}

// ---- the sensor: read twice a second, stream the points (only new ones go to the tabs)
const t0 = Date.now();
setInterval(async () => {
  if (simulated) simSensor.set({ temperature: 21.5 + 2 * Math.sin((Date.now() - t0) / 20000) + (Math.random() - 0.5) * 0.1 });
  try {
    const sensor = await sensorReady;
    const r = await safe.guard("bme280", () => sensor.read());
    const t = Math.round(((Date.now() - t0) / 1000) * 10) / 10;
    const hum = r.humidity === undefined ? "" : ` · ${r.humidity.toFixed(1)} %RH`;
    const hpa = r.pressure === undefined ? "" : ` · ${(r.pressure / 100).toFixed(1)} hPa`;
    app.pushMods({
      reading: { children: `${r.temperature.toFixed(2)} °C${hpa}${hum}` },
      temp_graph: { extendData: [{ x: [[t]], y: [[Math.round(r.temperature * 100) / 100]] }, [0], WINDOW] },
    });
  } catch (e) {
    app.pushMods({ reading: { children: `sensor error: ${(e as Error).message.split("\n")[0]}` } });
  }
}, 500);

// ---- safe state when nobody is watching
app.callbackConnect(async (_client, connected) => {
  if (connected || app.clients.size > 0) return;
  await safe.lastClientLeft();
  // the shared controls follow, so the next tab shows what the hardware does
  app.pushMods({ brightness: { value: 0 }, led: { value: false } });
});

app.run();
