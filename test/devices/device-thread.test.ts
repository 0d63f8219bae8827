// The device thread (issue 12): I2C calls on a real Bun Worker that owns the bus, here a simulated
// bus built inside the thread from its spec, with a real blocking sleep per transfer (latencyMs) and
// a hung bus on demand. No timing assertions: the tests check who answers when (the main thread
// runs while the thread is blocked), the errors, and that nothing happens after a caller gave up.
import { describe, expect, test } from "bun:test";
import { runI2CBusContract } from "./i2c-bus.case.ts";
import { rejected } from "../helpers/errors.ts";
import {
  BME280,
  DeviceError,
  I2C_FUNCS_SMBUS_ONLY,
  I2CBusBase,
  openBus,
  SimI2CBus,
  ThreadedI2CBus,
  type SimBusSpec,
} from "../../src/devices/index.ts";

const regs = (extra: SimBusSpec = {}): SimBusSpec => ({ devices: { 0x50: { chip: "RegisterChip" } }, ...extra });
const threaded = (spec: SimBusSpec = regs(), timeoutMs?: number) => openBus(1, { thread: true, sim: spec, timeoutMs }) as ThreadedI2CBus;

runI2CBusContract({ name: "simulated bus on the device thread", open: () => ({ bus: threaded(), chip: 0x50, absent: 0x51 }) });
runI2CBusContract({
  name: "simulated SMBus-only bus on the device thread",
  open: () => ({ bus: threaded(regs({ funcs: I2C_FUNCS_SMBUS_ONLY })), chip: 0x50, absent: 0x51 }),
});

const rejection = (p: Promise<unknown>) => rejected(p, DeviceError);

describe("the event loop runs while the device thread is blocked", () => {
  // A 300 ms transfer: a 1 ms timer set before the call fires before its answer only if the
  // transfer did not hold this thread. On the main thread it cannot: the same check fails there.
  async function timerFiresDuringTransfer(thread: boolean): Promise<boolean> {
    const bus = openBus(1, { thread, sim: regs({ latencyMs: 300 }), timeoutMs: 5000 }) as I2CBusBase;
    if (thread)
      await (bus as ThreadedI2CBus)
        .simLatency(0)
        .then(() => bus.readByte(0x50, 0))
        .then(() => (bus as ThreadedI2CBus).simLatency(300));
    let fired = false;
    const t = setTimeout(() => (fired = true), 1);
    await bus.readByte(0x50, 0);
    const answer = fired;
    clearTimeout(t);
    await bus.close();
    return answer;
  }
  test("through the device thread, a timer set before a 300 ms transfer fires before its answer", async () => {
    expect(await timerFiresDuringTransfer(true)).toBe(true);
  });
  test("on the main thread it does not (the transfer holds the loop): the check above can fail", async () => {
    expect(await timerFiresDuringTransfer(false)).toBe(false);
  });
  test("i2c-bus's callback form (bus.bus().readByte(addr, cmd, cb)) goes through the thread too", async () => {
    const bus = openBus(1, { thread: true, sim: regs({ latencyMs: 0 }), timeoutMs: 5000 }) as ThreadedI2CBus;
    await bus.readByte(0x50, 0);
    await bus.simLatency(300);
    let fired = false;
    const t = setTimeout(() => (fired = true), 1);
    const value = await new Promise<number>((resolve, reject) =>
      bus.bus().readByte(0x50, 0, (err: unknown, v: number) => (err ? reject(err) : resolve(v))),
    );
    clearTimeout(t);
    expect(typeof value).toBe("number");
    expect(fired).toBe(true);
    await bus.close();
  });
  test("the *Sync forms still work through the thread (they block, for scripts)", async () => {
    const bus = threaded();
    bus.writeByteSync(0x50, 7, 0x5a);
    expect(bus.readByteSync(0x50, 7)).toBe(0x5a);
    expect(await bus.readByte(0x50, 7)).toBe(0x5a);
    const buf = Buffer.alloc(3);
    expect(bus.readI2cBlockSync(0x50, 6, 3, buf)).toBe(3);
    expect([...buf]).toEqual([0, 0x5a, 0]);
    bus.closeSync();
  });
});

test("a *Sync call returns when the thread answers, not at its deadline", () => {
  // The thread once woke the waiting caller on the wrong slot of the shared buffer: every *Sync
  // call slept until its deadline (250 ms; 3.25 s for a bus's first call), then read the answer
  // and succeeded. So the check is on the waits themselves: each must end woken, none timed out.
  const bus = threaded(regs(), 5_000);
  const wait = Atomics.wait;
  const results: string[] = [];
  Atomics.wait = ((...a: Parameters<typeof Atomics.wait>) => {
    const r = wait(...a);
    results.push(r);
    return r;
  }) as typeof Atomics.wait;
  try {
    bus.writeByteSync(0x50, 3, 0x21); // the bus's first call: the thread is still starting
    expect(bus.readByteSync(0x50, 3)).toBe(0x21);
    bus.closeSync();
  } finally {
    Atomics.wait = wait;
  }
  expect(results.length).toBeGreaterThan(0);
  expect(results).not.toContain("timed-out");
});

describe('a bus that stops answering (sim fault "hang")', () => {
  test("the call fails with DD_I2C_TIMEOUT saying what was expected, found and the fix", async () => {
    const bus = threaded(regs(), 100);
    await bus.readByte(0x50, 0);
    await bus.simFault(0x50, "hang", { ms: 800 });
    const e = await rejection(bus.readByte(0x50, 1));
    expect(e.ddCode).toBe("DD_I2C_TIMEOUT");
    expect(e.code).toBe("ETIMEDOUT");
    expect(e.message).toContain("readByte(0x50, 0x01) on sim:i2c-1 got no answer within 100 ms");
    expect(e.detail.expected).toContain("timeoutMs (100 ms)");
    expect(e.detail.found).toContain("no answer after 100 ms");
    expect(e.detail.fix).toContain("timeoutMs: 200");
    // Until the hung call comes back, calls fail at once instead of queueing behind it.
    const next = await rejection(bus.readByte(0x50, 2));
    expect(next.ddCode).toBe("DD_I2C_TIMEOUT");
    expect(next.message).toContain("was not sent: the bus is still busy with readByte(0x50, 0x01)");
    expect(() => bus.readByteSync(0x50, 2)).toThrow("was not sent");
    bus.closeSync();
  });

  test("a call queued behind the hung one is not started after its caller was told it failed; the bus answers again after the hang", async () => {
    const bus = threaded(regs(), 100);
    await bus.writeByte(0x50, 5, 0x11);
    await bus.simFault(0x50, "hang", { ms: 500 });
    const hung = bus.readByte(0x50, 0);
    const queued = bus.writeByte(0x50, 5, 0x77); // sent before the timeout: waits in the thread
    expect((await rejection(hung)).ddCode).toBe("DD_I2C_TIMEOUT");
    expect((await rejection(queued)).ddCode).toBe("DD_I2C_TIMEOUT");
    let value: number | undefined;
    for (let i = 0; i < 100 && value === undefined; i++) {
      await Bun.sleep(50);
      value = await bus.readByte(0x50, 5).catch(() => undefined); // guard loop until the hang ends
    }
    expect(value).toBe(0x11); // the write the app was told failed never happened
    await bus.close();
  });

  test("a blocking *Sync call times out too", async () => {
    const bus = threaded(regs(), 100);
    bus.readByteSync(0x50, 0);
    await bus.simFault(0x50, "hang", { ms: 400 });
    try {
      bus.readByteSync(0x50, 0);
      throw new Error("expected a timeout");
    } catch (e) {
      expect((e as DeviceError).ddCode).toBe("DD_I2C_TIMEOUT");
    }
    bus.closeSync();
  });
});

describe("errors and chips cross the thread", () => {
  test("a kernel error keeps its class, codes, errno and address", async () => {
    const bus = threaded();
    const e = await rejection(bus.readByte(0x51, 0));
    expect(e.ddCode).toBe("DD_I2C_NO_ACK");
    expect(e.code).toBe("ENXIO");
    expect(e.address).toBe(0x51);
    expect(e.device).toBe("sim:i2c-1");
    expect(e.stack).toContain("on the device thread");
    await bus.close();
  });

  test("a driver runs unchanged on the threaded bus; the chip in the thread is driven by simChip", async () => {
    const bus = threaded({ devices: { 0x76: { chip: "BME280", options: { temperature: 22.5 } } } });
    const sensor = await BME280.open(bus);
    expect(await bus.simChip(0x76, "temperature", 30)).toBe(30);
    const r = await sensor.read();
    expect(r.temperature).toBeGreaterThan(29);
    expect(r.temperature).toBeLessThan(31);
    await bus.close();
  });

  test("every promise method of the bus has a thread form (a new one in I2CBusBase would otherwise block)", () => {
    const base = Object.getOwnPropertyNames(I2CBusBase.prototype);
    const asyncForms = base.filter((n) => base.includes(`${n}Sync`));
    expect(asyncForms.length).toBeGreaterThan(15);
    const own = Object.getOwnPropertyNames(ThreadedI2CBus.prototype);
    expect(asyncForms.filter((n) => !own.includes(n))).toEqual([]);
  });

  test("bad specs fail where openBus is called", () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return `${(e as DeviceError).ddCode}: ${(e as Error).message.split("\n")[0]}`;
      }
      return "no error";
    };
    expect(codeOf(() => openBus(1, { thread: true, sim: { devices: { 0x76: { chip: "BME681" as never } } } }))).toBe(
      "DD_DEVICE_BAD_ARG: [DD_DEVICE_BAD_ARG] unknown simulated chip",
    );
    expect(codeOf(() => openBus(1, { thread: true, sim: new SimI2CBus() }))).toContain(
      "a SimI2CBus object cannot move to the device thread",
    );
    expect(codeOf(() => openBus(1, { thread: true, sim: true, simDevices: {} }))).toContain("simDevices are objects on this thread");
    expect(codeOf(() => openBus(1, { thread: true, sim: regs(), timeoutMs: 0 }))).toContain("invalid timeoutMs");
  });

  test("a closed bus refuses calls, and calls cut short by close are told so", async () => {
    const bus = threaded(regs({ latencyMs: 50 }));
    await bus.readByte(0x50, 0);
    const inFlight = bus.readByte(0x50, 0);
    bus.closeSync();
    expect((await rejection(inFlight)).ddCode).toBe("DD_DEVICE_CLOSED");
    expect((await rejection(bus.readByte(0x50, 0))).ddCode).toBe("DD_DEVICE_CLOSED");
  });
});
