/**
 * SerialQueue (src/core/serial.ts): jobs run one at a time in the order pushed, errors go to the
 * handler, and a job that ran is no longer reachable from the queue (what its closure held is
 * garbage at once, not kept until a later compaction: kept, it was marked and promoted by every
 * young-generation collection, the cause of ~1 ms round-trip pauses at p99).
 */

import { describe, expect, test } from "bun:test";
import { SerialQueue } from "../../src/core/serial.ts";

describe("SerialQueue", () => {
  test("runs jobs in order, each after the previous one settled", async () => {
    const q = new SerialQueue();
    const seen: string[] = [];
    q.push(async () => {
      await Bun.sleep(5);
      seen.push("a");
    });
    q.push(() => seen.push("b"));
    const c = q.run(async () => {
      seen.push("c");
      return 3;
    });
    expect(q.waiting).toBe(2);
    expect(await c).toBe(3);
    expect(seen).toEqual(["a", "b", "c"]);
    await Bun.sleep(0);
    expect(q.busy).toBe(false);
  });

  test("a failing job is reported and the next one still runs", async () => {
    const errors: unknown[] = [];
    const q = new SerialQueue((e) => errors.push(e));
    q.push(() => {
      throw new Error("boom");
    });
    const after = q.run(() => "ran");
    expect(await after).toBe("ran");
    expect(errors.map((e) => (e as Error).message)).toEqual(["boom"]);
  });

  test("clear() returns the waiting jobs, not the running one", async () => {
    const q = new SerialQueue();
    let release!: () => void;
    q.push(() => new Promise<void>((r) => (release = r)));
    const a = () => 1;
    const b = () => 2;
    q.push(a);
    q.push(b);
    expect(q.clear()).toEqual([a, b]);
    expect(q.waiting).toBe(0);
    release();
  });

  test("a job that ran is not kept by the queue (its closure's data can be collected)", async () => {
    const q = new SerialQueue();
    const refs: WeakRef<object>[] = [];
    // Made in a function of its own, so no stack slot of the test holds the payloads.
    const pushJobs = (n: number) => {
      for (let i = 0; i < n; i++) {
        const payload = { i, data: new Array(64).fill(i) };
        refs.push(new WeakRef(payload));
        q.push(() => payload.data.length);
      }
    };
    pushJobs(200);
    await q.run(() => undefined);
    for (let i = 0; i < 3; i++) {
      Bun.gc(true);
      await Bun.sleep(0);
    }
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    // Conservative stack scanning may keep a stray one or two; the queue used to keep all 200.
    expect(alive).toBeLessThan(10);
  });
});
