// The outbox's fragment store (src/core/fragments.ts) against a Map, its model: a key set again
// moves to the end, removed keys leave no trace in the output, with few keys (scanned) and many
// (indexed, holes compacted).
import { expect, test } from "bun:test";
import { Fragments, GONE } from "../../src/core/fragments.ts";

/** The same operations on a Map: what the store must match. */
function model(ops: [string, string | undefined][]): string[] {
  const m = new Map<string, string>();
  for (const [k, v] of ops) {
    m.delete(k);
    if (v !== undefined) m.set(k, v);
  }
  return [...m.values()];
}

function run(ops: [string, string | undefined][]): { f: Fragments; out: string[] } {
  const f = new Fragments();
  for (const [k, v] of ops) v === undefined ? f.delete(k) : f.set(k, v);
  const out: string[] = [];
  f.keys.forEach((k, i) => {
    if (k !== GONE) out.push(f.htmls[i]!);
  });
  return { f, out };
}

test("a key set again replaces the older entry and moves to the end; delete and clear", () => {
  const { f, out } = run([
    ["a", "<a1>"],
    ["b", "<b1>"],
    ["a", "<a2>"],
    ["c", "<c1>"],
    ["b", undefined],
  ]);
  expect(out).toEqual(["<a2>", "<c1>"]);
  expect(f.join()).toBe("<a2><c1>");
  expect(f.size).toBe(2);
  expect(f.has("b")).toBe(false);
  expect(f.delete("b")).toBe(false);
  f.clear();
  expect([f.size, f.join(), f.has("a")]).toEqual([0, "", false]);
  f.set("a", "<a3>");
  expect(f.join()).toBe("<a3>");
});

test("random sets and deletes over few and over many keys give what a Map gives, holes compacted", () => {
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (const keys of [3, 12, 40, 300]) {
    const ops: [string, string | undefined][] = [];
    for (let i = 0; i < 5000; i++) ops.push([`k${rnd(keys)}`, rnd(5) === 0 ? undefined : `<${i}>`]);
    const { f, out } = run(ops);
    const want = model(ops);
    expect(out).toEqual(want);
    expect(f.join()).toBe(want.join(""));
    expect(f.size).toBe(want.length);
    expect(f.keys.length).toBeLessThanOrEqual(2 * want.length + 17); // holes do not pile up
  }
});
