import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { SafeState } from "../../src/devices/index.ts";
import { memoryLogger } from "../../src/core/log.ts";

function safe(options: ConstructorParameters<typeof SafeState>[0] = {}) {
  const logger = memoryLogger();
  return { s: new SafeState({ signals: false, logger, ...options }), logger };
}

describe("SafeState", () => {
  test("trigger runs every action once, in declaration order, and reports", async () => {
    const { s } = safe();
    const order: string[] = [];
    s.add("pwm off", () => {
      order.push("pwm");
    }).add("relay off", async () => {
      order.push("relay");
    });
    const r = await s.trigger("test");
    expect(order).toEqual(["pwm", "relay"]);
    expect(r).toEqual({ reason: "test", ran: ["pwm off", "relay off"], failed: [], timedOut: [] });
    expect(s.triggerCount).toBe(1);
  });

  test("a failing action is logged and does not stop the others; trigger never rejects", async () => {
    const { s, logger } = safe();
    const ran: string[] = [];
    s.add("broken", () => {
      throw new Error("bus gone");
    });
    s.add("rejects", () => Promise.reject(new Error("nope")));
    s.add("after", () => {
      ran.push("after");
    });
    const r = await s.trigger("test");
    expect(ran).toEqual(["after"]);
    expect(r.failed).toEqual([
      { name: "broken", error: "bus gone" },
      { name: "rejects", error: "nope" },
    ]);
    expect(logger.lines.join("\n")).toContain("safe-state.action-failed");
  });

  test("an action that hangs is abandoned after its timeout; the rest still run", async () => {
    const { s } = safe({ actionTimeoutMs: 20 });
    let after = false;
    s.add("hangs", () => new Promise(() => {}));
    s.add("after", () => {
      after = true;
    });
    const r = await s.trigger("test");
    expect(r.timedOut).toEqual(["hangs"]);
    expect(after).toBe(true);
  });

  test("concurrent triggers share one run: each action runs once", async () => {
    const { s } = safe();
    let n = 0;
    let release!: () => void;
    s.add("slow", () => {
      n++;
      return new Promise<void>((r) => (release = r));
    });
    const a = s.trigger("first");
    const b = s.trigger("second");
    while (!release) await Bun.sleep(0);
    release();
    expect(await a).toBe(await b);
    expect(n).toBe(1);
    await s.trigger("third");
    expect(n).toBe(2);
  });

  test("guard: N failures in a row of one operation trigger, a success resets the count", async () => {
    const { s } = safe({ maxFailures: 3 });
    let offs = 0;
    s.add("off", () => {
      offs++;
    });
    const fail = () =>
      s
        .guard("read bme280", () => {
          throw new Error("ENXIO");
        })
        .catch(() => {});
    await fail();
    await fail();
    expect(await s.guard("read bme280", () => 21.5)).toBe(21.5);
    await fail();
    await fail();
    expect(offs).toBe(0);
    expect(s.failureCount("read bme280")).toBe(2);
    await fail();
    expect(offs).toBe(1);
    expect(s.lastReport?.reason).toBe('operation "read bme280" failed 3 times in a row: ENXIO');
    expect(s.failureCount("read bme280")).toBe(0);
  });

  test("guard rethrows the operation's error; other operations count separately", async () => {
    const { s } = safe({ maxFailures: 2 });
    let offs = 0;
    s.add("off", () => {
      offs++;
    });
    await expect(s.guard("a", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await s.recordFailure("b");
    expect(offs).toBe(0);
    expect((await s.recordFailure("a", new Error("again")))?.ran).toEqual(["off"]);
  });

  test("lastClientLeft triggers with its own reason", async () => {
    const { s } = safe();
    s.add("off", () => {});
    expect((await s.lastClientLeft()).reason).toBe("last client left");
  });

  test("bad declarations fail early", () => {
    const { s } = safe();
    s.add("x", () => {});
    expect(() => s.add("x", () => {})).toThrow("duplicate safe-state action");
    expect(() => s.add("y", 42 as never)).toThrow("a function");
  });
});

describe("signals (a real child process)", () => {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    test(`${signal}: the actions run, then the process exits with ${code}`, async () => {
      const child = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures", "safe-state-child.ts")], {
        stdout: "pipe",
        stderr: "pipe",
      });
      const reader = child.stdout.getReader();
      let out = "";
      while (!out.includes("ready\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        out += new TextDecoder().decode(value);
      }
      expect(out).toContain("ready");
      child.kill(signal);
      const exit = await child.exited;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        out += new TextDecoder().decode(value);
      }
      expect(out).toContain(`action pwm-off ran (signal ${signal})`);
      expect(out).toContain("action relay-off ran");
      expect(exit).toBe(code);
    }, 20_000);
  }
});
