// Per-address limits (src/server/address-tabs.ts): a budget closes one tab, but a page that
// reconnects at once would get a fresh budget each time, and one machine could open tabs without
// end. Addresses come from X-Forwarded-For here (trustProxy), as behind a reverse proxy: the tests
// run on loopback, which is not limited.
import { describe, expect, test } from "bun:test";
import { AddressTabs } from "../../src/server/address-tabs.ts";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";
import { upgradeStatus } from "../helpers/admin.ts";

describe("AddressTabs (a clock of the test's own)", () => {
  test("open tabs per address: the limit refuses with DD_TOO_MANY_TABS; a close makes room; loopback is not counted", () => {
    const t = new AddressTabs({ maxTabs: 2, strikes: 3, windowMs: 60_000 });
    t.opened("10.0.0.1");
    t.opened("10.0.0.1");
    expect(t.refusal("10.0.0.1")?.message).toContain("[DD_TOO_MANY_TABS] this address has too many tabs open");
    expect(t.refusal("10.0.0.1")?.message).toContain("found:    2 open from 10.0.0.1");
    expect(t.refusal("10.0.0.2")).toBeUndefined();
    t.closed("10.0.0.1");
    expect(t.refusal("10.0.0.1")).toBeUndefined();
    for (let i = 0; i < 5; i++) t.opened("127.0.0.1");
    expect(t.refusal("127.0.0.1")).toBeUndefined();
    expect(t.openTabs("127.0.0.1")).toBe(0);
  });

  test("budget closes: the third within the window refuses new tabs until the oldest of them leaves it", () => {
    let now = 1_000_000;
    const t = new AddressTabs({ maxTabs: 64, strikes: 3, windowMs: 60_000 }, () => now);
    t.budgetClosed("10.0.0.1");
    now += 10_000;
    t.budgetClosed("10.0.0.1");
    expect(t.refusal("10.0.0.1")).toBeUndefined();
    now += 10_000;
    t.budgetClosed("10.0.0.1");
    const e = t.refusal("10.0.0.1");
    expect(e?.ddCode).toBe("DD_ADDRESS_COOLDOWN");
    expect(e?.message).toContain("fix:      wait 40 s, then reload");
    expect(t.retryAfter("10.0.0.1")).toBe(40);
    expect(t.refusal("10.0.0.2")).toBeUndefined();
    now += 40_000; // the first close is now 60 s old
    expect(t.refusal("10.0.0.1")).toBeUndefined();
    expect(t.retryAfter("10.0.0.1")).toBe(0);
  });
});

describe("a server behind a trusted proxy", () => {
  const srv = useApp(
    (app) => {
      app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 10, value: 1 }), html.Div({ id: "o" })]);
      app.callbackShared(Output("o", "children"), Input("s", "value"), (v) => `v${v}`);
    },
    { trustProxy: true, each: true },
  );
  const tabs = useTabs(srv);
  const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });

  test("an address whose tabs were closed three times for invalid messages gets 429 DD_ADDRESS_COOLDOWN; others still connect", async () => {
    for (let round = 0; round < 3; round++) {
      const t = await tabs.open(from("10.1.2.3"));
      for (let i = 0; i < 40; i++) t.sendRaw("{not json");
      await t.waitFor((c) => c.closed, 5000);
      expect(t.closeCode).toBe(1008);
    }
    const r = await upgradeStatus(srv, `/ws?v=${srv.runtime.version}`, { origin: srv.url, "x-forwarded-for": "10.1.2.3" });
    expect(r.status).toBe(429);
    expect(r.body).toContain("[DD_ADDRESS_COOLDOWN]");
    expect(r.body).toContain("found:    3 from 10.1.2.3");
    expect(r.body).toContain("fix:      wait ");
    // another address still connects and works
    const other = await tabs.open(from("10.1.2.4"));
    await other.change("s", 4);
    expect(other.text("o")).toBe("v4");
  });

  test("an address with 64 tabs open gets 429 DD_TOO_MANY_TABS for the 65th; a closed tab makes room", async () => {
    const open = await tabs.openMany(64, from("10.9.9.9"));
    const r = await upgradeStatus(srv, `/ws?v=${srv.runtime.version}`, { origin: srv.url, "x-forwarded-for": "10.9.9.9" });
    expect(r.status).toBe(429);
    expect(r.body).toContain("[DD_TOO_MANY_TABS]");
    open[0].close();
    for (let i = 0; i < 200 && srv.app.clients.size > 63; i++) await Bun.sleep(10); // the server sees the close
    const again = await tabs.open(from("10.9.9.9"));
    expect(again.closed).toBe(false);
  });
});

describe("the HTTP service behind a trusted proxy", () => {
  const srv = useApp(
    (app) => {
      app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 10, value: 1 }), html.Div({ id: "o" })]);
    },
    { trustProxy: true, serverService: "http", each: true },
  );
  /** Opens an event stream from `ip`: its status, and (when open) its secret and a way to end it. */
  async function stream(ip: string): Promise<{ status: number; body: string; secret: string; end: () => void }> {
    const abort = new AbortController();
    const res = await fetch(`${srv.url}/_dd/events?v=0`, { headers: { "x-forwarded-for": ip }, signal: abort.signal });
    if (!res.ok || !res.body) return { status: res.status, body: await res.text(), secret: "", end: () => {} };
    const reader = res.body.getReader();
    let text = "";
    while (!/"secret":"([^"]+)"/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    return { status: res.status, body: "", secret: /"secret":"([^"]+)"/.exec(text)![1]!, end: () => abort.abort() };
  }

  test("streams that end give their place back (70 opened and ended one after the other: all admitted)", async () => {
    for (let i = 0; i < 70; i++) {
      const s = await stream("10.3.3.3");
      expect(s.status).toBe(200);
      s.end();
      for (let k = 0; k < 200 && srv.app.clients.size > 0; k++) await Bun.sleep(5);
    }
  });

  test("three budget closes over posts: the address's next stream gets 429 DD_ADDRESS_COOLDOWN", async () => {
    for (let round = 0; round < 3; round++) {
      const s = await stream("10.4.4.4");
      for (let i = 0; i < 40; i++)
        await fetch(`${srv.url}/_dd/update`, {
          method: "POST",
          headers: { "DD-Client": s.secret, "content-type": "application/json", origin: srv.url, "x-forwarded-for": "10.4.4.4" },
          body: JSON.stringify({ nosuch: i }),
        });
      s.end();
    }
    const r = await stream("10.4.4.4");
    expect(r.status).toBe(429);
    expect(r.body).toContain("[DD_ADDRESS_COOLDOWN]");
    expect((await stream("10.4.4.5")).status).toBe(200);
  });
});
