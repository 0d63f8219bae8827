/**
 * The shared GPIO chip contract: each chip implementation's test is three lines calling
 * `runGpioChipContract`. The cases live in contract/gpio-cases.ts so the real-kernel runner runs
 * the same ones.
 */

import { afterEach, beforeEach, describe, test } from "bun:test";
import { gpioChipCases, type GpioChipFixture } from "./contract/gpio-cases.ts";

export type { GpioChipFixture };

export function runGpioChipContract({ name, open }: { name: string; open: () => GpioChipFixture | Promise<GpioChipFixture> }): void {
  describe(`GPIO chip contract: ${name}`, () => {
    let f: GpioChipFixture;
    beforeEach(async () => {
      f = await open();
    });
    afterEach(async () => {
      await f.close?.();
      f.chip.close();
    });
    for (const c of gpioChipCases) test(c.name, () => c.run(f));
  });
}
