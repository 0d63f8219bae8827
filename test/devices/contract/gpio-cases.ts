/**
 * The GPIO chip contract as plain cases (node:assert, no test framework), run under `bun test` by
 * gpio-chip.case.ts and inside a compiled binary against a real kernel chip by kernel-runner.ts.
 * The fixture plays the outside world: `drive` sets a pin's level, `observe` reads what the pin
 * carries. Lines 0..7 are used. Waiting for an event has a generous guard (a hung test fails
 * instead of hanging), never a timing assertion.
 */

import assert from "node:assert/strict";
import { DeviceError } from "../../../src/devices/device-error.ts";
import type { Bit, EdgeEvent, GpioChip, GpioLines } from "../../../src/devices/gpio/types.ts";
import type { ContractCase } from "./i2c-cases.ts";

export interface GpioChipFixture {
  chip: GpioChip;
  /** Drive a line from outside. */
  drive(offset: number, level: Bit): void | Promise<void>;
  /** The level on the pin as the outside sees it. */
  observe(offset: number): Bit | Promise<Bit>;
  close?(): void | Promise<void>;
}

const GUARD_MS = 5000;

/** The next edge event, or a failure after the guard time. */
export function nextEdge(lines: GpioLines): Promise<EdgeEvent> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error(`no edge event within ${GUARD_MS} ms`));
    }, GUARD_MS);
    const off = lines.on("edge", (e) => {
      clearTimeout(t);
      off();
      resolve(e);
    });
  });
}

function throwsCode(fn: () => unknown, code: string, ...mention: string[]): DeviceError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DeviceError, `expected a DeviceError, got ${String(e)}`);
    assert.equal(e.ddCode, code, e.message);
    assert.equal(e.code, e.errnoName ?? code, "code is the errno name when the kernel reported one (as in i2c-bus), else ours");
    for (const m of mention) assert.ok(e.message.includes(m), `message should mention ${JSON.stringify(m)}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

export const gpioChipCases: ContractCase<GpioChipFixture>[] = [
  {
    name: "info names the chip and counts its lines",
    async run({ chip }) {
      const info = chip.info();
      assert.match(info.name, /^gpiochip\d+$/);
      assert.equal(typeof info.label, "string");
      assert.ok(info.lines >= 8, `${info.lines} lines`);
    },
  },
  {
    name: "lineInfo shows a requested line as used, with consumer and settings, and free again after release",
    async run({ chip }) {
      assert.equal(chip.lineInfo(1).used, false);
      const l = chip.request({ lines: 1, direction: "input", bias: "pull-up", consumer: "contract-test" });
      const info = chip.lineInfo(1);
      assert.equal(info.used, true);
      assert.equal(info.consumer, "contract-test");
      assert.equal(info.direction, "input");
      assert.equal(info.bias, "pull-up");
      l.release();
      assert.equal(chip.lineInfo(1).used, false);
    },
  },
  {
    name: "an output drives its initial value, then what is written",
    async run({ chip, observe }) {
      const led = chip.output(2, 1);
      assert.equal(await observe(2), 1);
      assert.equal(chip.lineInfo(2).direction, "output");
      led.write(0);
      assert.equal(await observe(2), 0);
      assert.equal(led.read(), 0);
      led.write(true);
      assert.equal(await observe(2), 1);
      led.release();
    },
  },
  {
    name: "an input reads the level driven from outside",
    async run({ chip, drive }) {
      const inp = chip.input(3);
      await drive(3, 1);
      assert.equal(inp.read(), 1);
      await drive(3, 0);
      assert.equal(inp.read(), 0);
      inp.release();
    },
  },
  {
    name: "bias pulls an input up or down",
    async run({ chip }) {
      const up = chip.input(4, { bias: "pull-up" });
      assert.equal(up.read(), 1);
      up.reconfigure({ direction: "input", bias: "pull-down" });
      assert.equal(up.read(), 0);
      up.release();
    },
  },
  {
    name: "activeLow inverts reads and writes",
    async run({ chip, drive, observe }) {
      const inp = chip.input(5, { activeLow: true });
      await drive(5, 1);
      assert.equal(inp.read(), 0);
      inp.release();
      const out = chip.output(6, 1, { activeLow: true });
      assert.equal(await observe(6), 0);
      out.release();
    },
  },
  {
    name: "several lines in one request: readAll and writeAll in offsets order",
    async run({ chip, observe }) {
      const outs = chip.request({ lines: [2, 6, 7], direction: "output", initial: [1, 0, 1] });
      assert.deepEqual(outs.readAll(), [1, 0, 1]);
      assert.deepEqual([await observe(2), await observe(6), await observe(7)], [1, 0, 1]);
      outs.writeAll({ 6: 1, 7: 0 });
      assert.deepEqual([await observe(2), await observe(6), await observe(7)], [1, 1, 0]);
      outs.writeAll([0, 0, 0]);
      assert.deepEqual(outs.readAll(), [0, 0, 0]);
      outs.release();
    },
  },
  {
    name: "edge events: rising and falling, with offsets, sequence numbers and kernel timestamps",
    async run({ chip, drive }) {
      await drive(0, 0);
      const btn = chip.input(0, { edge: "both" });
      let p = nextEdge(btn);
      await drive(0, 1);
      const up = await p;
      assert.equal(up.edge, "rising");
      assert.equal(up.offset, 0);
      p = nextEdge(btn);
      await drive(0, 0);
      const down = await p;
      assert.equal(down.edge, "falling");
      assert.equal(down.seqno, up.seqno + 1);
      assert.equal(down.lineSeqno, up.lineSeqno + 1);
      assert.ok(down.timestampNs >= up.timestampNs);
      btn.release();
    },
  },
  {
    name: 'edge "rising" reports only rising edges; edges() iterates them',
    async run({ chip, drive }) {
      await drive(1, 0);
      const btn = chip.input(1, { edge: "rising" });
      const it = btn.edges();
      await drive(1, 1);
      await drive(1, 0);
      await drive(1, 1);
      const a = await it.next();
      const b = await it.next();
      assert.equal(a.value?.edge, "rising");
      assert.equal(b.value?.edge, "rising");
      btn.release();
      assert.equal((await it.next()).done, true);
    },
  },
  {
    name: "debounce is configured on the line and a held change is reported once",
    async run({ chip, drive }) {
      await drive(3, 0);
      const btn = chip.input(3, { edge: "both", debounceMs: 5 });
      assert.equal(chip.lineInfo(3).debounceMs, 5);
      const p = nextEdge(btn);
      await drive(3, 1);
      assert.equal((await p).edge, "rising");
      btn.release();
    },
  },
  {
    name: "edges wait in the request's buffer until someone listens; beyond its size the oldest are lost and reported as an overflow with the exact count",
    async run({ chip, drive }) {
      await drive(5, 0);
      const btn = chip.request({ lines: 5, edge: "both", eventBufferSize: 16 });
      for (let i = 0; i < 40; i++) {
        await drive(5, ((i + 1) % 2) as Bit);
        await new Promise((r) => setTimeout(r, 2)); // distinct interrupts on the real chip
      }
      await new Promise((r) => setTimeout(r, 50));
      const seqnos: number[] = [];
      const overflows: { lost: number; afterSeqno: number; seqno: number }[] = [];
      btn.on("overflow", (o) => overflows.push(o));
      btn.on("edge", (e) => seqnos.push(e.seqno));
      // Until delivery stops (a guard, not a timing assertion).
      for (let seen = -1; seen !== seqnos.length; ) {
        seen = seqnos.length;
        await new Promise((r) => setTimeout(r, 200));
      }
      const made = seqnos[seqnos.length - 1] ?? 0;
      assert.ok(made > 16, `the kernel made ${made} events: too few to overflow a 16-event buffer`);
      assert.equal(seqnos.length, 16, `delivered ${seqnos.length}`);
      assert.deepEqual(overflows, [{ lost: made - 16, afterSeqno: 0, seqno: made - 15 }]);
      assert.deepEqual(
        seqnos,
        Array.from({ length: 16 }, (_, i) => made - 15 + i),
      );
      btn.release();
    },
  },
  {
    name: "a line held by another request is DD_GPIO_LINE_BUSY naming the holder",
    async run({ chip }) {
      const a = chip.request({ lines: 4, consumer: "first-owner" });
      throwsCode(() => chip.input(4), "DD_GPIO_LINE_BUSY", "first-owner", "line 4");
      a.release();
      chip.input(4).release();
    },
  },
  {
    name: "bad requests fail early with DD_DEVICE_BAD_ARG",
    async run({ chip }) {
      throwsCode(() => chip.request({ lines: 2, direction: "output", edge: "both" }), "DD_DEVICE_BAD_ARG", "edge");
      throwsCode(() => chip.input(chip.info().lines), "DD_DEVICE_BAD_ARG", "line offset");
      throwsCode(() => chip.request({ lines: [2, 2] }), "DD_DEVICE_BAD_ARG", "duplicate");
      const inp = chip.input(2);
      throwsCode(() => inp.write(1), "DD_DEVICE_BAD_ARG", "input");
      throwsCode(() => inp.read(3), "DD_DEVICE_BAD_ARG", "not part of this request");
      inp.release();
    },
  },
  {
    name: "released lines refuse calls with DD_DEVICE_CLOSED",
    async run({ chip }) {
      const l = chip.output(7, 0);
      l.release();
      assert.equal(l.released, true);
      throwsCode(() => l.write(1), "DD_DEVICE_CLOSED");
      l.release(); // twice is harmless
    },
  },
  {
    name: "reconfigure turns an input into an output",
    async run({ chip, observe }) {
      const l = chip.input(6);
      l.reconfigure({ direction: "output", initial: 1 });
      assert.equal(await observe(6), 1);
      assert.equal(chip.lineInfo(6).direction, "output");
      l.release();
    },
  },
];
