// The wire's names are written twice: in src/core/wire.ts (the server) and in the glue script the
// browser runs (public/dash-devices.js and the transports' public/transport-*.js). These checks fail when one side renames a key the other
// still uses.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { FRAME, HEADER, PENDING_ATTR, QUERY, SHELL_ID } from "../../src/core/wire.ts";
import { BUDGET_CLOSE_CODE } from "../../src/core/budgets.ts";

// The glue is the transport-neutral dash-devices.js and each transport's part (transport-*.js).
const glue = ["dash-devices.js", "transport-ws.js", "transport-sse.js"]
  .map((f) => readFileSync(resolve(import.meta.dir, "../../public", f), "utf8"))
  .join("\n");
/** The value of `const NAME = "..."` (or a number) in the glue script. */
const constant = (name: string) => new RegExp(`const ${name} = ("[^"]*"|\\d+);`).exec(glue)?.[1];

test("the glue's constants are the server's: pending mark, sequence header, status element, budget close code", () => {
  expect(constant("PENDING")).toBe(JSON.stringify(PENDING_ATTR));
  expect(constant("SEQ_HEADER")).toBe(JSON.stringify(HEADER.seq));
  expect(constant("STATUS_ID")).toBe(JSON.stringify(SHELL_ID.status));
  expect(constant("POLICY_CLOSE")).toBe(String(BUDGET_CLOSE_CODE));
});

test("the glue reads each frame key the server writes (version, ack, errors, hello)", () => {
  for (const key of [FRAME.version, FRAME.ack, FRAME.errors, FRAME.hello]) expect(glue).toContain(`f.${key}`);
  expect(FRAME.content).toBe("content"); // htmx's hx-ws swaps the frame's `content`: not ours to rename
});

test("the glue reconnects with the query the server reads (?v=VERSION&re=1)", () => {
  expect(glue).toContain(`?${QUERY.version}=\${version}`);
  expect(glue).toContain(`&${QUERY.reconnect}=1`);
});
