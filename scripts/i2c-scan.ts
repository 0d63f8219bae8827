#!/usr/bin/env bun
/**
 * i2c-scan: list the devices answering on an I2C bus, as a grid like i2cdetect.
 *   bun scripts/i2c-scan.ts [--bus N] [--sim] [--force]
 */

import { hex, main, open, parseArgs, UsageError } from "./i2c-cli.ts";

const USAGE = `usage: bun scripts/i2c-scan.ts [--bus N] [--sim] [--force]

Probe addresses 0x03..0x77 of /dev/i2c-N and print a grid like i2cdetect:
  --  no answer       UU  claimed by a kernel driver       hh  a device answered
Options:
  --bus N   bus number (default 1: the Raspberry Pi header's SDA/SCL)
  --sim     scan a simulated bus with demo chips (MCP23017 0x20, PCA9685 0x40, ADS1115 0x48, BME280 0x76)
  --force   probe addresses claimed by kernel drivers too (I2C_SLAVE_FORCE)
  --help    this text
`;

await main(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2), new Set(["--bus", "--sim", "--force"]));
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (args.positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
  const bus = open(args);
  const found: number[] = [];
  let out = `${bus.path}\n    ` + Array.from({ length: 16 }, (_, i) => ` ${i.toString(16)} `).join("").trimEnd() + "\n";
  for (let row = 0; row < 0x80; row += 16) {
    out += row.toString(16).padStart(2, "0") + ":";
    for (let a = row; a < row + 16; a++) {
      if (a < 0x03 || a > 0x77) {
        out += "   ";
        continue;
      }
      const r = bus.probeSync(a);
      if (r === "ack") found.push(a);
      out += r === "ack" ? " " + a.toString(16).padStart(2, "0") : r === "busy" ? " UU" : " --";
    }
    out = out.trimEnd() + "\n";
  }
  bus.closeSync();
  out += found.length ? `${found.length} device(s): ${found.map((a) => hex(a)).join(" ")}\n` : "no devices answered\n";
  process.stdout.write(out);
});
