/**
 * @module chips/mcp23017
 * A simulated MCP23017 in the BANK = 0 layout: IODIR / IPOL / GPPU / GPIO / OLAT per port,
 * sequential addressing unless IOCON.SEQOP, IOCON mirrored at 0x0A and 0x0B, GPIO reads giving
 * pin levels (outputs: the latch; inputs: the outside level, or 1 with the pull-up, else 0) with
 * IPOL applied, GPIO writes going to OLAT. The outside world: `setInput(pin, level)`, `pin(pin)`.
 * Not modelled: BANK = 1 and the interrupt logic (INTF/INTCAP read 0).
 */

import { checkInt } from "../device-error.ts";
import { RegisterChip } from "../i2c/register-chip.ts";
import type { Bit } from "../gpio/types.ts";

const IODIR = 0x00,
  IPOL = 0x02,
  IOCON_A = 0x0a,
  IOCON_B = 0x0b,
  GPPU = 0x0c,
  INTF = 0x0e,
  INTCAP = 0x10,
  GPIO = 0x12,
  OLAT = 0x14;

export class SimMCP23017 extends RegisterChip {
  /** Levels driven from outside, per pin; undefined = not driven. */
  private readonly external: Array<Bit | undefined> = new Array(16).fill(undefined);

  constructor() {
    super({ size: 0x16, readOnly: [INTF, INTF + 1, INTCAP, INTCAP + 1] });
    this.regs[IODIR] = 0xff;
    this.regs[IODIR + 1] = 0xff;
  }

  /** Drive a pin from outside (inputs only read it); undefined lets it float. */
  setInput(pin: number, level: Bit | boolean | undefined): this {
    this.external[checkInt("MCP23017 pin", pin, 0, 15)] = level === undefined ? undefined : level === true || level === 1 ? 1 : 0;
    return this;
  }

  private reg16(reg: number): number {
    return this.regs[reg]! | (this.regs[reg + 1]! << 8);
  }

  /** The level on a pin: an output's latch, else the outside level, else the pull-up (1) or 0. */
  pin(pin: number): Bit {
    const p = checkInt("MCP23017 pin", pin, 0, 15);
    const b = 1 << p;
    if (!(this.reg16(IODIR) & b)) return (this.reg16(OLAT) & b ? 1 : 0) as Bit;
    return this.external[p] ?? ((this.reg16(GPPU) & b ? 1 : 0) as Bit);
  }

  /** Which pins are outputs (bit set = output). */
  get outputs(): number {
    return ~this.reg16(IODIR) & 0xffff;
  }

  protected readRegister(reg: number): number {
    if (reg === GPIO || reg === GPIO + 1) {
      const base = (reg - GPIO) * 8;
      let v = 0;
      for (let i = 0; i < 8; i++) {
        const p = base + i;
        const isInput = (this.reg16(IODIR) >> p) & 1;
        const inverted = isInput && (this.reg16(IPOL) >> p) & 1;
        if (this.pin(p) ^ (inverted ? 1 : 0)) v |= 1 << i;
      }
      return v;
    }
    return this.regs[reg]!;
  }

  protected writeRegister(reg: number, value: number): void {
    if (reg === GPIO || reg === GPIO + 1) {
      this.regs[OLAT + (reg - GPIO)] = value; // a GPIO write writes the latch
      return;
    }
    if (reg === IOCON_A || reg === IOCON_B) {
      const v = value & ~0x80; // BANK = 1 is not modelled
      this.regs[IOCON_A] = v;
      this.regs[IOCON_B] = v;
      this.autoIncrement = (v & 0x20) === 0; // SEQOP
      return;
    }
    this.regs[reg] = value;
  }
}
