// The stores (src/core/stores.ts) over the component index (src/core/component-index.ts): values as
// a tab sees them, the newest write wins, only shared writes move the version, a spec's merge
// (a chart's streamed points) and the adoption of a returned component tree.
import { expect, test } from "bun:test";
import { html } from "../../src/core/html.ts";
import { dcc } from "../../src/core/dcc/index.ts";
import { ComponentIndex } from "../../src/core/component-index.ts";
import { Stores } from "../../src/core/stores.ts";
import { memoryTab } from "../helpers/memory-transport.ts";

function setup() {
  const index = new ComponentIndex();
  index.layout = html.Div([html.Div({ id: "other", children: "other" }), dcc.Graph({ id: "g", figure: { data: [{ x: [0], y: [0] }] } })]);
  index.ensure();
  return { index, stores: new Stores(index) };
}

test("the newest write wins between the shared store and a tab's own; only shared writes move the version", () => {
  const { stores } = setup();
  const tab = memoryTab().client;
  expect(stores.value("other", "children")).toBe("other"); // the layout's value
  expect(stores.value("other", "nope")).toBe(null);
  stores.apply([{ id: "other", prop: "children", value: "mine" }], tab);
  expect(stores.version).toBe(0);
  expect(stores.value("other", "children", tab)).toBe("mine");
  expect(stores.value("other", "children")).toBe("other");
  const applied = stores.apply([{ id: "other", prop: "children", value: "everyone" }], undefined);
  expect(applied).toMatchObject({ keys: ["other.children"], ids: new Set(["other"]), shared: true });
  expect(stores.version).toBeGreaterThan(0);
  expect(stores.value("other", "children", tab)).toBe("everyone"); // the later shared write wins
  stores.apply([{ id: "other", prop: "children", value: "mine again" }], tab);
  expect(stores.currentProps("other", tab).children).toBe("mine again");
  expect(stores.currentProps("other").children).toBe("everyone");
});

test("a returned component tree is adopted: its ids are indexed and their props stored", () => {
  const { index, stores } = setup();
  stores.apply(
    [{ id: "other", prop: "children", value: html.Div({ id: "born", title: "new", children: html.Span({ id: "kid", children: "k" }) }) }],
    undefined,
  );
  expect(index.get("born")?.props.title).toBe("new");
  expect(stores.value("kid", "children")).toBe("k");
  expect(index.hasType("html.Span")).toBe(true); // a page now loads what a Span needs
});

test("a chart's streamed points are merged into its figure and handed on as an append, not a re-render", () => {
  const { stores } = setup();
  const applied = stores.apply([{ id: "g", prop: "extendData", value: [{ x: [[1]], y: [[5]] }, [0], 10] }], undefined);
  expect(applied.ids.has("g")).toBe(false); // no full render
  expect(applied.appends?.get("g")?.length).toBe(1);
  const figure = stores.value("g", "figure") as { data: { x: number[]; y: number[] }[] };
  expect(figure.data[0]!.y).toEqual([0, 5]);
});
