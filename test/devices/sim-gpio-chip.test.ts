import { runGpioChipContract } from "./gpio-chip.case.ts";
import { SimGpioChip } from "../../src/devices/index.ts";

runGpioChipContract({
  name: "simulated chip",
  open: () => {
    const sim = new SimGpioChip({ lines: 8 });
    return { chip: sim, drive: (o, v) => sim.setInput(o, v), observe: (o) => sim.level(o) };
  },
});
