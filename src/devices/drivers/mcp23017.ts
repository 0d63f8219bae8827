/**
 * @module drivers/mcp23017
 * Microchip MCP23017 16-bit I/O expander over I2C (against i2c-bus's `PromisifiedBus`), in its
 * power-on register layout (IOCON.BANK = 0: port A and B registers side by side, so one SMBus word
 * covers both ports, A in the low byte). Pins 0..7 are GPA0..7, 8..15 GPB0..7. Direction, pull-ups
 * and input polarity per pin or for all 16 at once; reads come from GPIO, writes go to OLAT.
 */

import type { PromisifiedBus } from "i2c-bus";
import { badArg, checkInt, hex } from "../device-error.ts";
import { busName } from "./bus-name.ts";

/** BANK = 0 addresses; the B register is the A register + 1. */
export const MCP23017_REG = {
  IODIR: 0x00,
  IPOL: 0x02,
  GPINTEN: 0x04,
  DEFVAL: 0x06,
  INTCON: 0x08,
  IOCON: 0x0a,
  GPPU: 0x0c,
  INTF: 0x0e,
  INTCAP: 0x10,
  GPIO: 0x12,
  OLAT: 0x14,
} as const;

export type PinMode = "input" | "input-pullup" | "output";
export type Port = "A" | "B";

export class MCP23017 {
  private iodir = 0xffff; // power-on: all inputs
  private gppu = 0;
  private olat = 0;

  private constructor(
    readonly bus: PromisifiedBus,
    readonly address: number,
  ) {}

  /** @example const io = await MCP23017.open(bus); await io.pinMode(0, "output"); await io.digitalWrite(0, 1); */
  static async open(bus: PromisifiedBus, options: { address?: number } = {}): Promise<MCP23017> {
    const dev = new MCP23017(bus, options.address ?? 0x20);
    // Sequential mode, BANK = 0, interrupts push-pull active-low: the layout this driver speaks.
    await bus.writeByte(dev.address, MCP23017_REG.IOCON, 0x00);
    dev.iodir = await dev.readPair(MCP23017_REG.IODIR);
    dev.gppu = await dev.readPair(MCP23017_REG.GPPU);
    dev.olat = await dev.readPair(MCP23017_REG.OLAT);
    return dev;
  }

  private pin(pin: number): number {
    return checkInt(
      "MCP23017 pin",
      pin,
      0,
      15,
      { device: busName(this.bus), address: this.address },
      "pins 0..7 are GPA0..7, 8..15 are GPB0..7",
    );
  }

  private async readPair(reg: number): Promise<number> {
    return this.bus.readWord(this.address, reg);
  }

  private async writePair(reg: number, value: number): Promise<void> {
    await this.bus.writeWord(this.address, reg, checkInt("16-bit port value", value, 0, 0xffff));
  }

  /** 1 bits are inputs, 0 bits outputs (pin 0 = bit 0). */
  async setDirection(inputsMask: number): Promise<void> {
    await this.writePair(MCP23017_REG.IODIR, inputsMask);
    this.iodir = inputsMask;
  }

  /** 1 bits enable the 100 kΩ pull-up. */
  async setPullups(mask: number): Promise<void> {
    await this.writePair(MCP23017_REG.GPPU, mask);
    this.gppu = mask;
  }

  /** 1 bits invert the input reading. */
  async setPolarity(mask: number): Promise<void> {
    await this.writePair(MCP23017_REG.IPOL, mask);
  }

  async pinMode(pin: number, mode: PinMode): Promise<void> {
    const b = 1 << this.pin(pin);
    if (mode !== "input" && mode !== "input-pullup" && mode !== "output")
      throw badArg("invalid pin mode", `"input", "input-pullup" or "output"`, mode, "pick a mode");
    const pu = mode === "input-pullup" ? this.gppu | b : this.gppu & ~b;
    if (pu !== this.gppu) await this.setPullups(pu);
    const dir = mode === "output" ? this.iodir & ~b : this.iodir | b;
    if (dir !== this.iodir) await this.setDirection(dir);
  }

  /** Level of one pin (inputs: the pin; outputs: what it drives). */
  async digitalRead(pin: number): Promise<0 | 1> {
    const p = this.pin(pin);
    return ((await this.read()) >> p) & 1 ? 1 : 0;
  }

  async digitalWrite(pin: number, value: 0 | 1 | boolean): Promise<void> {
    const b = 1 << this.pin(pin);
    await this.write(value === 1 || value === true ? this.olat | b : this.olat & ~b);
  }

  /** All 16 pins (GPA in bits 0..7, GPB in bits 8..15). */
  async read(): Promise<number> {
    return this.readPair(MCP23017_REG.GPIO);
  }

  /** Set all 16 output latches. */
  async write(value: number): Promise<void> {
    await this.writePair(MCP23017_REG.OLAT, value);
    this.olat = value;
  }

  async readPort(port: Port): Promise<number> {
    return this.bus.readByte(this.address, MCP23017_REG.GPIO + portOffset(port));
  }

  async writePort(port: Port, value: number): Promise<void> {
    checkInt("8-bit port value", value, 0, 0xff);
    await this.bus.writeByte(this.address, MCP23017_REG.OLAT + portOffset(port), value);
    this.olat = port === "A" ? (this.olat & 0xff00) | value : (this.olat & 0x00ff) | (value << 8);
  }

  toString(): string {
    return `MCP23017 at ${hex(this.address)} on ${busName(this.bus)}`;
  }
}

function portOffset(port: Port): number {
  if (port !== "A" && port !== "B") throw badArg("invalid MCP23017 port", `"A" or "B"`, port, "pick a port");
  return port === "A" ? 0 : 1;
}
