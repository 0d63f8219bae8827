// Issue 14 ("per-change cost", idle CPU): the appliance pinged every tab every 5 s to measure
// round trips that only the console's Tabs page shows, so an idle server with 100 tabs woke and
// allocated for 100 pongs every 5 s. Now the tabs are pinged only while a console tab is open: at
// once when it opens, then every `pingMs`, and no more once it closes. The period is shortened here.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { html, type Client } from "../../src/index.ts";
import * as appliance from "../../src/server/appliance.ts";
import { until } from "../helpers/server.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

const timings = appliance.applianceTimings as Record<string, number>;
const saved = { ...timings };

describe("round-trip pings only while the console is open", () => {
  beforeAll(() => void (timings.pingMs = 100));
  const s = useApp(
    (app) => {
      app.layout = html.Div({ id: "o" });
    },
    { database: true, users: { boss: "admin" } },
  );
  const tabs = useTabs(s);
  afterAll(() => void Object.assign(timings, saved));

  test("no console tab: no pings; a console tab opens: every tab gets a round trip at once and again each period; it closes: the pings stop", async () => {
    await tabs.open();
    await until(() => s.app.clients.size === 1);
    const tab = [...s.app.clients][0] as Client;
    // Several periods with no console: never pinged.
    await Bun.sleep(500);
    expect(tab.rttMs).toBeUndefined();

    const boss = await tabs.open({ as: "boss", path: "/admin/ws" });
    // Soon (the old fixed 5 s period would miss these 1.5 s windows), for every tab.
    expect(await until(() => tab.rttMs !== undefined, 1500)).toBe(true);
    const consoleTab = [...s.app.services!.admin!.clients][0] as Client;
    expect(await until(() => consoleTab.rttMs !== undefined, 1500)).toBe(true);
    // And again each period while it stays open.
    for (let i = 0; i < 2; i++) {
      tab.rttMs = undefined;
      expect(await until(() => tab.rttMs !== undefined, 1500)).toBe(true);
    }

    boss.close();
    await until(() => s.app.services!.admin!.clients.size === 0);
    await Bun.sleep(50); // a pong already on its way
    tab.rttMs = undefined;
    await Bun.sleep(500);
    expect(tab.rttMs).toBeUndefined();
  });
});
