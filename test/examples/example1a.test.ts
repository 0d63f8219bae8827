// example1a, run as a user runs it: shared callbacks without output print on the server, move the
// other tabs' controls, change nothing else, and get no initial call.
import { expect, test } from "bun:test";
import { useExample, useTabs } from "../helpers/fixtures.ts";

const ex = useExample("examples/example1a.ts");
const tabs = useTabs(ex);

test("no initial call for no-output callbacks; the with-output one has its first value", async () => {
  const page = await (await fetch(ex.url + "/")).text();
  await tabs.open();
  expect(ex.output()).not.toContain("Shared slider no output");
  expect(page).toContain('<div id="shared_slider_output_output">5</div>');
});

test("moving the no-output slider moves it in the other tab and prints a line, nothing else", async () => {
  const [a, b] = await tabs.openMany(2);
  await a.change("shared_slider_no_output", 8);
  await b.waitFor((c) => c.inputValue("shared_slider_no_output") === "8");
  expect(ex.output()).toContain("Shared slider no output 8");
  expect([...b.dom.keys()].filter((k) => k !== "regular_slider_output" && k !== "regular_input_output")).toEqual([
    "shared_slider_no_output",
  ]);

  await a.change("shared_input_no_output", "hi", "input");
  await b.waitFor((c) => c.inputValue("shared_input_no_output") === "hi");
  expect(ex.output()).toContain("Shared input no output hi");

  await a.change("shared_input_output", "yo", "input");
  await b.waitText("shared_input_output_output", "yo");
});
