// A write load for backup tests, in a process of its own: opens the database at argv[2] and
// commits audit rows one at a time, as fast as it can, until it is killed. Prints "writing" once
// the first row is committed.
import { openDatabase } from "../../src/db/open.ts";
import { audit } from "../../src/db/audit.ts";

const h = openDatabase({ path: process.argv[2]! });
let n = 0;
for (;;) {
  audit(h.db, { action: "test.load", target: `row ${n}`, detail: { n, pad: "x".repeat(200) } });
  if (++n === 1) process.stdout.write("writing\n");
  if (n % 500 === 0) await Bun.sleep(0); // let a signal in
}
