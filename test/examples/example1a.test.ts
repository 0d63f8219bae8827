// example1a, run as a user runs it: shared callbacks without output print on the server, move the
// other tabs' controls, change nothing else, and get no initial call.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { runExample, type ExampleProcess } from "../helpers/browser.ts";
import { WsClient } from "../helpers/ws-client.ts";

let ex: ExampleProcess;
beforeAll(async () => {
  ex = await runExample("examples/example1a.ts");
});
afterAll(() => ex.stop());

async function tab() {
  const page = await (await fetch(ex.url + "/")).text();
  const v = Number(/data-dd-version="(\d+)"/.exec(page)![1]);
  return { page, ws: await WsClient.connect(ex.url.replace("http", "ws") + "/ws", { version: v }) };
}

test("no initial call for no-output callbacks; the with-output one has its first value", async () => {
  const { page, ws } = await tab();
  expect(ex.output()).not.toContain("Shared slider no output");
  expect(page).toContain('<div id="shared_slider_output_output">5</div>');
  ws.close();
});

test("moving the no-output slider moves it in the other tab and prints a line, nothing else", async () => {
  const a = await tab();
  const b = await tab();
  await a.ws.waitAck(a.ws.set("shared_slider_no_output", 8));
  await b.ws.waitFor((c) => c.inputValue("shared_slider_no_output") === "8");
  expect(ex.output()).toContain("Shared slider no output 8");
  expect([...b.ws.dom.keys()].filter((k) => k !== "regular_slider_output" && k !== "regular_input_output")).toEqual(["shared_slider_no_output"]);

  await a.ws.waitAck(a.ws.set("shared_input_no_output", "hi", "input"));
  await b.ws.waitFor((c) => c.inputValue("shared_input_no_output") === "hi");
  expect(ex.output()).toContain("Shared input no output hi");

  await a.ws.waitAck(a.ws.set("shared_input_output", "yo", "input"));
  await b.ws.waitFor((c) => c.text("shared_input_output_output") === "yo");
  a.ws.close();
  b.ws.close();
});
