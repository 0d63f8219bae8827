// What the simulated chip adds beyond the shared contract: debounce on a manual clock (deterministic,
// no sleeping), drive modes, delivery details and error routing.
import { describe, expect, test } from "bun:test";
import { DeviceError, ManualClock, SimGpioChip, type EdgeEvent } from "../../src/devices/index.ts";
import { memoryLogger } from "../../src/core/log.ts";

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function setup(lines = 8) {
  const clock = new ManualClock();
  const logger = memoryLogger();
  const chip = new SimGpioChip({ lines, clock, logger, names: ["GPIO0", "GPIO1", "GPIO2", "GPIO3"] });
  return { clock, chip, logger };
}

describe("debounce (kernel semantics: report a change once it has been stable for the period)", () => {
  test("a glitch shorter than the period is dropped; a held change is reported once, at the period's end", async () => {
    const { clock, chip } = setup();
    const btn = chip.input(0, { edge: "both", debounceMs: 10 });
    const events: EdgeEvent[] = [];
    btn.on("edge", (e) => events.push(e));
    chip.setInput(0, 1);
    clock.advance(4);
    chip.setInput(0, 0); // back before 10 ms: a glitch
    clock.advance(50);
    await flush();
    expect(events).toEqual([]);
    chip.setInput(0, 1);
    clock.advance(9.999);
    await flush();
    expect(events).toEqual([]);
    clock.advance(0.001);
    await flush();
    expect(events.map((e) => [e.edge, e.timestampNs])).toEqual([["rising", 64_000_000n]]);
  });

  test("contact bounce: many transitions, one event per settled level", async () => {
    const { clock, chip } = setup();
    const btn = chip.input(1, { edge: "both", debounceMs: 5 });
    const events: EdgeEvent[] = [];
    btn.on("edge", (e) => events.push(e));
    for (const v of [1, 0, 1, 0, 1, 1, 0, 1] as const) {
      chip.setInput(1, v);
      clock.advance(1);
    }
    clock.advance(10);
    for (const v of [0, 1, 0] as const) {
      chip.setInput(1, v);
      clock.advance(0.5);
    }
    clock.advance(10);
    await flush();
    expect(events.map((e) => e.edge)).toEqual(["rising", "falling"]);
    expect(events.map((e) => e.lineSeqno)).toEqual([1, 2]);
  });

  test("without debounce every change is an event", async () => {
    const { chip } = setup();
    const btn = chip.input(2, { edge: "both" });
    const events: string[] = [];
    btn.on("edge", (e) => events.push(e.edge));
    for (const v of [1, 0, 1, 0] as const) chip.setInput(2, v);
    await flush();
    expect(events).toEqual(["rising", "falling", "rising", "falling"]);
  });
});

describe("levels and drive modes", () => {
  test("a floating input reads its pull; an unpulled floating input reads 0", () => {
    const { chip } = setup();
    expect(chip.input(0, { bias: "pull-up" }).read()).toBe(1);
    expect(chip.input(1).read()).toBe(0);
    chip.setInput(0, 0);
    expect(chip.level(0)).toBe(0);
    chip.setInput(0, undefined);
    expect(chip.level(0)).toBe(1);
  });

  test("open-drain: 0 pulls low, 1 releases the line to whatever drives it", () => {
    const { chip } = setup();
    const od = chip.output(3, 1, { drive: "open-drain", bias: "pull-up" });
    expect(chip.level(3)).toBe(1);
    chip.setInput(3, 0); // another device pulls the shared line low
    expect(chip.level(3)).toBe(0);
    expect(od.read()).toBe(0);
    od.write(0);
    chip.setInput(3, 1);
    expect(chip.level(3)).toBe(0);
  });

  test("outputValue is undefined for inputs; the outside cannot override a push-pull output", () => {
    const { chip } = setup();
    chip.input(4);
    expect(chip.outputValue(4)).toBeUndefined();
    const out = chip.output(5, 1);
    chip.setInput(5, 0);
    expect(chip.outputValue(5)).toBe(1);
    expect(out.read()).toBe(1);
  });

  test("line names: findLine and lineInfo", () => {
    const { chip } = setup();
    expect(chip.findLine("GPIO2")).toBe(2);
    expect(chip.findLine("nope")).toBeUndefined();
    expect(chip.lineInfo(3).name).toBe("GPIO3");
  });
});

describe("delivery", () => {
  test("events arrive asynchronously, never after release", async () => {
    const { chip } = setup();
    const btn = chip.input(0, { edge: "both" });
    const events: string[] = [];
    btn.on("edge", (e) => events.push(e.edge));
    chip.setInput(0, 1);
    expect(events).toEqual([]); // not synchronously
    btn.release();
    await flush();
    expect(events).toEqual([]);
  });

  test("turning edge detection on later starts from the current level: no spurious event", async () => {
    const { chip } = setup();
    chip.setInput(0, 1);
    const btn = chip.input(0);
    btn.reconfigure({ direction: "input", edge: "both" });
    const events: string[] = [];
    btn.on("edge", (e) => events.push(e.edge));
    await flush();
    chip.setInput(0, 0);
    await flush();
    expect(events).toEqual(["falling"]);
  });

  test("a throwing edge listener goes to the error listeners (or the log), the others still run", async () => {
    const { chip, logger } = setup();
    const btn = chip.input(0, { edge: "both" });
    const seen: string[] = [];
    btn.on("edge", () => {
      throw new Error("listener bug");
    });
    btn.on("edge", (e) => seen.push(e.edge));
    chip.setInput(0, 1);
    await flush();
    expect(seen).toEqual(["rising"]);
    expect(logger.lines.join("\n")).toContain("listener bug");
    const errors: Error[] = [];
    btn.on("error", (e) => errors.push(e));
    chip.setInput(0, 0);
    await flush();
    expect(errors.map((e) => e.message)).toEqual(["listener bug"]);
  });

  test("listening on a line requested without edges warns in the log", () => {
    const { chip, logger } = setup();
    chip.input(6).on("edge", () => {});
    expect(logger.lines.join("\n")).toContain("gpio.no-edges");
  });

  test("unsubscribe and iterator return() stop delivery", async () => {
    const { chip } = setup();
    const btn = chip.input(0, { edge: "both" });
    const got: string[] = [];
    const off = btn.on("edge", (e) => got.push(e.edge));
    const it = btn.edges();
    chip.setInput(0, 1);
    await flush();
    off();
    await it.return!();
    chip.setInput(0, 0);
    await flush();
    expect(got).toEqual(["rising"]);
    expect((await it.next()).done).toBe(true);
  });

  test("close releases every request of the chip", () => {
    const { chip } = setup();
    const a = chip.input(0);
    const b = chip.output(1, 0);
    chip.close();
    expect([a.released, b.released]).toEqual([true, true]);
    expect(() => b.write(1)).toThrow(DeviceError);
  });
});
