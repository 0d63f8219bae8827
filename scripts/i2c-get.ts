#!/usr/bin/env bun
/**
 * i2c-get: read one register (a byte, or an SMBus word) from an I2C device.
 *   bun scripts/i2c-get.ts [--bus N] [--sim] [--word] ADDRESS REGISTER
 */

import { hex, main, open, parseArgs, parseNumber, UsageError } from "./i2c-cli.ts";

const USAGE = `usage: bun scripts/i2c-get.ts [--bus N] [--sim] [--word] [--force] ADDRESS REGISTER

Read REGISTER of the device at ADDRESS and print it in hex.
  ADDRESS   7-bit address, 0x03..0x77 (e.g. 0x76)
  REGISTER  0x00..0xff (e.g. 0xd0, a BME280's chip id)
Options:
  --bus N   bus number (default 1)
  --word    read a 16-bit SMBus word (low byte first on the wire) instead of a byte
  --sim     use a simulated bus with demo chips (see i2c-scan --help)
  --force   use the address even if a kernel driver claimed it
  --help    this text
Example: bun scripts/i2c-get.ts --sim 0x76 0xd0    → 0x60
`;

await main(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2), new Set(["--bus", "--sim", "--word", "--force"]));
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (args.positional.length > 2) throw new UsageError(`too many arguments: ${args.positional.slice(2).join(" ")}`);
  const address = parseNumber(args.positional[0], "ADDRESS", 0x7f);
  const register = parseNumber(args.positional[1], "REGISTER", 0xff);
  const bus = open(args);
  const value = args.word ? bus.readWordSync(address, register) : bus.readByteSync(address, register);
  bus.closeSync();
  process.stdout.write(hex(value, args.word ? 4 : 2) + "\n");
});
