/**
 * The shared I2C bus contract (hono's common.case.test.ts pattern): every bus implementation's test
 * is three lines calling `runI2CBusContract`. The cases themselves live in contract/i2c-cases.ts so
 * the real-kernel runner (a compiled binary under qemu) runs exactly the same ones.
 */

import { afterEach, beforeEach, describe, test } from "bun:test";
import { i2cBusCases, type I2CBusFixture } from "./contract/i2c-cases.ts";

export type { I2CBusFixture };

export function runI2CBusContract({ name, open }: { name: string; open: () => I2CBusFixture | Promise<I2CBusFixture> }): void {
  describe(`I2C bus contract: ${name}`, () => {
    let f: I2CBusFixture;
    beforeEach(async () => {
      f = await open();
    });
    afterEach(async () => {
      await f.close?.();
      f.bus.closeSync();
    });
    for (const c of i2cBusCases) test(c.name, () => c.run(f));
  });
}
