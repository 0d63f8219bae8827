// Lossless edges, or loss reported with its exact count (issue 12): the simulated chip keeps events
// in a buffer of the request's eventBufferSize as the kernel does; a gap in sequence numbers
// reaches "overflow" listeners, or the log when nobody listens for it. Never silent.
import { expect, test } from "bun:test";
import { DeviceError, SimGpioChip, type EdgeEvent, type OverflowEvent } from "../../src/devices/index.ts";
import { memoryLogger } from "../../src/core/log.ts";

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function burst(chip: SimGpioChip, line: number, n: number): void {
  for (let i = 0; i < n; i++) chip.setInput(line, ((i + 1) % 2) as 0 | 1);
}

test("a burst within the buffer arrives whole while the loop is busy: 1,000 edges, none lost", async () => {
  const chip = new SimGpioChip({ lines: 4 });
  const btn = chip.input(0, { edge: "both" });
  const seq: number[] = [];
  const lost: OverflowEvent[] = [];
  btn.on("edge", (e) => seq.push(e.seqno));
  btn.on("overflow", (o) => lost.push(o));
  burst(chip, 0, 1000); // synchronously: nothing is delivered until this turn of the loop ends
  expect(seq).toEqual([]);
  await flush();
  expect(seq).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  expect(lost).toEqual([]);
});

test("beyond the buffer the oldest are dropped, and the overflow says exactly how many", async () => {
  const chip = new SimGpioChip({ lines: 4 });
  const btn = chip.request({ lines: 1, edge: "both", eventBufferSize: 64 });
  const edges: EdgeEvent[] = [];
  const lost: OverflowEvent[] = [];
  btn.on("overflow", (o) => lost.push(o));
  btn.on("edge", (e) => edges.push(e));
  burst(chip, 1, 1000);
  await flush();
  expect(lost).toEqual([{ lost: 936, afterSeqno: 0, seqno: 937 }]);
  expect(edges.map((e) => e.seqno)).toEqual(Array.from({ length: 64 }, (_, i) => 937 + i));
  // A second burst after delivery caught up: counted from the last delivered event.
  burst(chip, 1, 100);
  await flush();
  expect(lost[1]).toEqual({ lost: 36, afterSeqno: 1000, seqno: 1037 });
  expect(edges.length).toBe(128);
});

test("without an overflow listener the loss is logged (gpio.overflow, with the count)", async () => {
  const logger = memoryLogger();
  const chip = new SimGpioChip({ lines: 4, logger });
  const btn = chip.request({ lines: 2, edge: "both", eventBufferSize: 16 });
  btn.on("edge", () => {});
  burst(chip, 2, 40);
  await flush();
  expect(logger.lines.join("\n")).toMatch(/gpio\.overflow.*lost=24/);
});

test("eventBufferSize is checked: 1 to 1024 (the kernel's limit)", () => {
  const chip = new SimGpioChip({ lines: 4 });
  for (const bad of [0, 1025, 1.5]) {
    expect(() => chip.request({ lines: 0, edge: "both", eventBufferSize: bad })).toThrow(DeviceError);
  }
  chip.request({ lines: 0, edge: "both", eventBufferSize: 1024 }).release();
});
