// M6: one anonymous tab queued 5,000 calls of a shared callback, and a legitimate change reached
// the device 21.9 s late. A shared callback now keeps at most budgets.maxWaitingCalls (8) calls
// waiting; past that the newest waiting call takes the latest value. The device still ends at
// the last value received and sees each tab's values in order; nobody waits behind more than
// one line's worth.
import { expect, test } from "bun:test";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { DEFAULT_BUDGETS } from "../../src/core/budgets.ts";
import { until } from "../helpers/server.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

const srv = useApp();
const tabs = useTabs(srv);

const CAP = DEFAULT_BUDGETS.maxWaitingCalls;

async function deviceApp(options = {}) {
  const device: number[] = [];
  await srv.start((app) => {
    app.layout = html.Div([dcc.Slider({ id: "level", min: 0, max: 100000, value: 0, updatemode: "drag" }), html.Div({ id: "shown" })]);
    app.callbackShared(Output("shown", "children"), Input("level", "value"), async (v: number) => {
      await Bun.sleep(1); // a device write takes a while
      device.push(v);
      return String(v);
    });
  }, options);
  return { device };
}

test("M6: one tab floods 5,000 values; another tab's change reaches the device after at most cap+1 calls", async () => {
  // The flooder's own budgets are raised so that only the shared callback's line is tested here.
  const { device } = await deviceApp({ maxPendingMessages: 100_000, budgets: { maxQueued: 100_000 } });
  const [flooder, other] = await tabs.openMany(2);
  await until(() => srv.app.clients.size === 2);
  const [fc] = [...srv.app.clients];
  let last = 0;
  for (let i = 1; i <= 5000; i++) last = flooder.set("level", i);
  // every flood message has reached the server before the other tab's change is sent
  expect(await until(() => fc!.messagesIn >= 5000, 20_000)).toBe(true);
  let callsBefore = -1;
  srv.app.runtime.inputListeners.push((_c, _id, changed) => {
    if (changed.value === 99_999) callsBefore = device.length;
  });
  other.set("level", 99_999);
  expect(await until(() => device.includes(99_999), 20_000)).toBe(true);
  expect(callsBefore).toBeGreaterThanOrEqual(0);
  const waited = device.indexOf(99_999) + 1 - callsBefore;
  expect(waited).toBeLessThanOrEqual(CAP + 1);
  // the flooder's values reached the device in order, and the device ends at the last value received
  await flooder.waitAck(last, 20_000);
  expect(device.at(-1)).toBe(99_999);
  const fromFlooder = device.filter((v) => v !== 99_999 && v !== 0);
  expect(fromFlooder).toEqual(fromFlooder.slice().sort((a, b) => a - b));
  await other.waitText("shown", "99999");
  expect(srv.app.runtime.value("level", "value")).toBe(99_999);
}, 60_000);

test("M6: two tabs flood 1,000 values each with the default cap: device, store and tabs agree, nothing reordered", async () => {
  const { device } = await deviceApp();
  const [a, b] = await tabs.openMany(2);
  let lastA = 0,
    lastB = 0;
  for (let i = 0; i < 1000; i++) {
    lastA = a.set("level", 2 * i + 1);
    lastB = b.set("level", 50000 + 2 * i);
  }
  await a.waitAck(lastA, 20_000);
  await b.waitAck(lastB, 20_000);
  await Bun.sleep(20);
  const final = device.at(-1)!;
  expect([1999, 51998]).toContain(final);
  expect(srv.app.runtime.value("level", "value")).toBe(final);
  for (const c of [a, b]) {
    expect(c.inputValue("level")).toBe(String(final));
    expect(c.text("shown")).toBe(String(final));
  }
  const fromA = device.filter((v) => v % 2 === 1);
  const fromB = device.filter((v) => v >= 50000);
  expect(fromA).toEqual(fromA.slice().sort((x, y) => x - y));
  expect(fromB).toEqual(fromB.slice().sort((x, y) => x - y));
  expect(device.length).toBeLessThan(2001); // the backlog collapsed
  expect(a.errors.concat(b.errors)).toEqual([]);
}, 60_000);
