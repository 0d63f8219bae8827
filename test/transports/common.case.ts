/**
 * The transport contract (Hono's `common.case.test.ts` pattern): every transport in
 * src/transports/ must pass these against a real server with real connections. Each transport's
 * test file calls `runTransportContract` with its name and how a test tab connects over it.
 * Not a test file itself (no `.test.` in the name), so it runs only through them.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { transportNamed, type TransportName } from "../../src/transports/index.ts";
import { startApp, until, type TestServer } from "../helpers/server.ts";
import type { TabClient } from "../helpers/ws-client.ts";

export interface ContractOptions {
  name: TransportName;
  /** Opens a test tab on the running app (at its current version, as a fresh page would). */
  connect(srv: TestServer): Promise<TabClient>;
}

export function runTransportContract(o: ContractOptions): void {
  describe(`transport contract: ${o.name}`, () => {
    let srv: TestServer;
    const tabs: TabClient[] = [];
    const tab = async () => {
      const t = await o.connect(srv);
      tabs.push(t);
      return t;
    };
    beforeEach(async () => {
      srv = await startApp(
        (app) => {
          app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 100, value: 0 }), html.Div({ id: "o" })]);
          app.callback(
            Output("o", "children"),
            Input("s", "value"),
            (v: number) => {
              if (v === 99) throw new Error("unlucky value");
              return `got ${v}`;
            },
            { preventInitialCall: true },
          );
        },
        { serverService: o.name },
      );
    });
    afterEach(async () => {
      for (const t of tabs.splice(0)) t.close();
      await srv.stop();
    });

    test("the page opens this transport, and its controls send over it", async () => {
      const page = await (await fetch(`${srv.url}/`)).text();
      const t = transportNamed(o.name);
      const body = /<body[^>]*>/.exec(page)![0];
      const shown = (attrs: Record<string, unknown>) => Object.entries(attrs).map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${v}"`));
      for (const a of shown(t.page(srv.app.runtime.version).bodyAttrs)) expect(body).toContain(a);
      for (const s of t.page(0).scripts) expect(page).toContain(`src="_dd/${s}?v=`);
      const slider = /<div id="s"[^>]*>/.exec(page)![0];
      for (const a of shown(t.sendAttrs("change"))) expect(slider).toContain(a);
    });

    test("a tab connects, and the runtime has it", async () => {
      expect(srv.app.runtime.clients.size).toBe(0);
      await tab();
      expect(await until(() => srv.app.runtime.clients.size === 1)).toBe(true);
    });

    test("a value sent comes back as the callback's output, acknowledged", async () => {
      const a = await tab();
      const seq = a.set("s", 7);
      await a.waitAck(seq);
      await a.waitFor((c) => c.text("o") === "got 7");
      expect(a.errors).toEqual([]);
    });

    test("acks come in order, and the last value wins", async () => {
      const a = await tab();
      let last = 0;
      for (let v = 1; v <= 30; v++) last = a.set("s", v);
      await a.waitAck(last);
      const acks = a.frames.map((f) => f.ack).filter((x): x is number => x !== undefined);
      expect(acks.length).toBeGreaterThan(0);
      expect(acks).toEqual([...acks].sort((x, y) => x - y));
      expect(acks.at(-1)).toBe(last);
      await a.waitFor((c) => c.text("o") === "got 30");
    });

    test("a refused value and a failing callback come back as error frames; the tab keeps working", async () => {
      const a = await tab();
      const bad = a.set("s", "abc");
      await a.waitAck(bad);
      await a.waitFor((c) => c.errors.some((e) => e.code === "DD_BAD_VALUE"));
      const unlucky = a.set("s", 99);
      await a.waitAck(unlucky);
      await a.waitFor((c) => c.errors.some((e) => e.code === "DD_CALLBACK_ERROR"));
      a.set("s", 8);
      await a.waitFor((c) => c.text("o") === "got 8");
    });

    test("a tab that closes leaves the runtime; a tab the server closes sees it closed", async () => {
      const a = await tab();
      const b = await tab();
      expect(await until(() => srv.app.runtime.clients.size === 2)).toBe(true);
      a.close();
      expect(await until(() => srv.app.runtime.clients.size === 1)).toBe(true);
      for (const c of srv.app.runtime.clients) c.transport.close(4001, "ended by the test");
      await b.waitFor((c) => c.closed);
      expect(await until(() => srv.app.runtime.clients.size === 0)).toBe(true);
    });
  });
}
