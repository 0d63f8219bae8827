#!/usr/bin/env bun
/**
 * i2c-set: write one register (a byte, or an SMBus word) of an I2C device.
 *   bun scripts/i2c-set.ts [--bus N] [--sim] [--word] [--verify] ADDRESS REGISTER VALUE
 */

import { hex, main, open, parseArgs, parseNumber, UsageError } from "./i2c-cli.ts";

const USAGE = `usage: bun scripts/i2c-set.ts [--bus N] [--sim] [--word] [--verify] [--force] ADDRESS REGISTER VALUE

Write VALUE to REGISTER of the device at ADDRESS.
  ADDRESS   7-bit address, 0x03..0x77
  REGISTER  0x00..0xff
  VALUE     0x00..0xff, or 0x0000..0xffff with --word
Options:
  --bus N    bus number (default 1)
  --word     write a 16-bit SMBus word (low byte first on the wire)
  --verify   read the register back and fail (exit 1) if it differs
  --sim      use a simulated bus with demo chips (see i2c-scan --help)
  --force    use the address even if a kernel driver claimed it
  --help     this text
Example: bun scripts/i2c-set.ts --sim --verify 0x20 0x14 0xa5   (MCP23017 OLATA)
`;

await main(USAGE, async () => {
  const args = parseArgs(process.argv.slice(2), new Set(["--bus", "--sim", "--word", "--verify", "--force"]));
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (args.positional.length > 3) throw new UsageError(`too many arguments: ${args.positional.slice(3).join(" ")}`);
  const address = parseNumber(args.positional[0], "ADDRESS", 0x7f);
  const register = parseNumber(args.positional[1], "REGISTER", 0xff);
  const value = parseNumber(args.positional[2], "VALUE", args.word ? 0xffff : 0xff);
  const bus = open(args);
  if (args.word) bus.writeWordSync(address, register, value);
  else bus.writeByteSync(address, register, value);
  let line = `wrote ${hex(value, args.word ? 4 : 2)} to register ${hex(register)} of ${hex(address)} on ${bus.path}`;
  if (args.verify) {
    const back = args.word ? bus.readWordSync(address, register) : bus.readByteSync(address, register);
    if (back !== value) {
      bus.closeSync();
      process.stdout.write(line + "\n");
      process.stderr.write(`verify failed: register ${hex(register)} reads ${hex(back, args.word ? 4 : 2)}, expected ${hex(value, args.word ? 4 : 2)} (read-only register, or the device changes it)\n`);
      process.exit(1);
    }
    line += " (verified)";
  }
  bus.closeSync();
  process.stdout.write(line + "\n");
});
