// L1: log lines could be forged through newlines in a callback's error text (the stack appended
// to error lines repeated the message, newlines and all) and bare values let control characters
// through. Text-format records are now always one line, whatever the event, keys and values hold.
import { expect, test } from "bun:test";
import { createLogger, LogLimiter } from "../../src/core/log.ts";
import { dcc, html, Input, Output } from "../../src/index.ts";
import { useApp, useTabs } from "../helpers/fixtures.ts";

const FORGED = "boom\n2026-11-29T00:00:00.000Z INFO  admin.login user=root\r\u2028\u0085\u001b[2J";

function capture(format?: "text" | "json") {
  const out: string[] = [];
  const log = createLogger({ level: "debug", format, write: (l) => out.push(l) });
  return { log, out };
}

/** One record, one line: no line break of any kind, no terminal control character. */
function oneLine(l: string): void {
  expect(l).not.toMatch(/[\n\r\u2028\u2029\u0085\u000b\u000c]/);
  expect(l).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}

test("L1: an error's message and stack stay on the record's line", () => {
  const { log, out } = capture();
  log.error("callback.error", { error: new Error(FORGED) });
  expect(out.length).toBe(1);
  oneLine(out[0]!);
  expect(out[0]).toContain('error="boom\\n2026');
  expect(out[0]).toContain(" stack=");
  expect(out[0]).not.toContain("admin.login user=root\n");
});

test("L1: values, keys and event names with control characters are quoted and escaped", () => {
  const { log, out } = capture();
  log.warn("message.refused", { value: "a\rb", esc: "\u001b[31mred", ls: "x\u2028y", tab: "a\tb", bare: "plain-value_1.2", "k\ney": 1 });
  log.info(`forged\nINFO x`, { n: 3 });
  expect(out.length).toBe(2);
  for (const l of out) oneLine(l);
  expect(out[0]).toContain("bare=plain-value_1.2"); // printable ASCII stays bare
  expect(out[0]).toContain('value="a\\rb"');
  expect(out[0]).toContain('esc="\\u001b[31mred"');
  expect(out[0]).toContain('ls="x\\u2028y"');
  expect(out[1]).toContain('"forged\\nINFO x"');
});

test("L1: JSON lines escape line separators too", () => {
  const { log, out } = capture("json");
  log.error("callback.error", { error: new Error(FORGED), v: "x\u2028y\u0085" });
  expect(out.length).toBe(1);
  oneLine(out[0]!);
  expect(JSON.parse(out[0]!).v).toBe("x\u2028y\u0085");
});

test("L1: the log limiter writes at most N lines a second and a summary of the rest", async () => {
  const { log, out } = capture();
  const limiter = new LogLimiter(() => log, "message.refused", 3);
  let allowed = 0;
  for (let i = 0; i < 10; i++) if (limiter.allow(5000)) allowed++;
  expect(allowed).toBe(3);
  expect(limiter.allow(6001)).toBe(true); // a new second: the summary of the last one comes first
  expect(out).toHaveLength(1);
  expect(out[0]).toContain("log.suppressed event=message.refused count=7");
});

const srv = useApp();
const tabs = useTabs(srv);

test("L1: a callback whose error text holds newlines logs one line per record", async () => {
  await srv.start((app) => {
    app.layout = html.Div([dcc.Input({ id: "t" }), html.Div({ id: "o" })]);
    app.callback(Output("o", "children"), Input("t", "value"), (v: string) => {
      if (v) throw new Error(v);
      return "";
    });
  });
  const t = await tabs.open();
  await t.change("t", FORGED, "input");
  await t.waitFor((c) => c.errors.length > 0);
  const errors = srv.log.filter((l) => l.includes("callback.error"));
  expect(errors.length).toBe(1);
  for (const l of srv.log) oneLine(l);
  expect(srv.log.some((l) => l.startsWith("2026-11-29T00:00:00.000Z"))).toBe(false);
});
