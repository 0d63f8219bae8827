// The original's brightness bug: with HTTP requests the device could end at 87% while the slider
// showed 100%. Here two tabs flood one shared slider; the device must end at the value of the last
// message the server received, every tab must show that value, and no update may be lost or
// reordered within one tab's stream.
import { expect, test } from "bun:test";
import { dcc, html, Input, Output, Services } from "../../src/index.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

const srv = useApp();
const tabs = useTabs(srv);

async function flood(service: object | undefined) {
  const device: number[] = [];
  let running = 0;
  let overlap = false;
  await srv.start((app) => {
    app.layout = html.Div([dcc.Slider({ id: "brightness", min: 0, max: 100000, value: 0, updatemode: "drag" }), html.Div({ id: "shown" })]);
    app.callbackShared(
      Output("shown", "children"),
      Input("brightness", "value"),
      async (v: number) => {
        if (++running > 1) overlap = true;
        // an async device write that sometimes takes a while: gives a wrong design room to reorder
        if (v % 7 === 0) await Bun.sleep(Math.random() * 2);
        else await Promise.resolve();
        device.push(v);
        running--;
        return String(v);
      },
      service ? { service } : undefined,
    );
  });
  const [a, b, observer] = await tabs.openMany(3);
  const N = 1000;
  let lastA = 0,
    lastB = 0;
  // interleave the two floods: A sends odd values 1,3,5..., B even values from 50000 up
  for (let i = 0; i < N; i++) {
    lastA = a.set("brightness", 2 * i + 1);
    b.set("brightness", 50000 + 2 * i);
    lastB = b.seq;
  }
  await a.waitAck(lastA, 20000);
  await b.waitAck(lastB, 20000);
  await Bun.sleep(20);
  const final = device.at(-1)!;
  const stored = srv.app.runtime.value("brightness", "value");
  for (const c of [a, b, observer]) {
    expect(c.inputValue("brightness")).toBe(String(final));
    expect(c.text("shown")).toBe(String(final));
  }
  expect(stored).toBe(final);
  expect([2 * (N - 1) + 1, 50000 + 2 * (N - 1)]).toContain(final);
  expect(overlap).toBe(false);
  return { device, N };
}

test("1,000 rapid values from each of two tabs: device, store and every tab agree; nothing lost or reordered", async () => {
  // Every value reaching the device is what a callback asks for with maxWaiting: Infinity. By
  // default a shared callback keeps at most 8 calls waiting and the newest takes the latest value
  // (M6: one tab cannot hold the device for everyone); test/server/m6-shared-queue-cap.test.ts
  // runs this same flood with the default and checks the order and the final value.
  const { device, N } = await flood({ ...Services.SHARED, maxWaiting: Infinity });
  expect(device.length).toBe(2 * N + 1); // + the initial call at server start
  const fromA = device.filter((v) => v % 2 === 1);
  const fromB = device.filter((v) => v >= 50000);
  expect(fromA).toEqual(fromA.slice().sort((x, y) => x - y));
  expect(fromB).toEqual(fromB.slice().sort((x, y) => x - y));
  expect(fromA.length).toBe(N);
  expect(fromB.length).toBe(N);
}, 30000);

test("with SHARED_MOST_RECENT a backlog collapses, and the device still ends at the last value received", async () => {
  const { device, N } = await flood(Services.SHARED_MOST_RECENT);
  expect(device.length).toBeLessThanOrEqual(2 * N + 1);
  const fromA = device.filter((v) => v % 2 === 1);
  expect(fromA).toEqual(fromA.slice().sort((x, y) => x - y));
}, 30000);
