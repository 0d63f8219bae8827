/**
 * @module i2c/register-chip
 * The base of most simulated chips: a map of 8-bit registers behind an 8-bit register pointer.
 * A write sets the pointer from its first byte and stores the rest at successive registers; a read
 * returns registers from the pointer on; the pointer auto-increments (wrapping at the map's end),
 * which gives byte, word (little-endian, as SMBus sends it) and block access. Read-only registers
 * ignore writes, as the parts do. Subclasses override `readRegister` / `writeRegister` for
 * registers with behaviour (start a conversion, clear on read, ...).
 */

import { checkInt } from "../device-error.ts";
import type { SimI2CDevice } from "./sim.ts";

export interface RegisterChipOptions {
  /** Number of registers (default 256). */
  size?: number;
  /** Registers that ignore writes. */
  readOnly?: Iterable<number>;
  /** Initial register values, by register number. */
  initial?: Record<number, number>;
  /** Move the pointer after each byte (default true). */
  autoIncrement?: boolean;
  deviceId?: number;
}

export class RegisterChip implements SimI2CDevice {
  readonly deviceId?: number;
  /** Register contents; `peek`/`poke` are the test-side view. */
  protected readonly regs: Uint8Array;
  protected readonly readOnly: Set<number>;
  protected pointer = 0;
  protected autoIncrement: boolean;
  /** Every register write the bus delivered, in order: `[register, value]` (read-only ones included). */
  readonly writes: Array<[number, number]> = [];

  constructor(options: RegisterChipOptions = {}) {
    this.regs = new Uint8Array(options.size ?? 256);
    this.readOnly = new Set(options.readOnly ?? []);
    this.autoIncrement = options.autoIncrement ?? true;
    this.deviceId = options.deviceId;
    for (const [r, v] of Object.entries(options.initial ?? {})) this.regs[Number(r)] = v;
  }

  write(data: Uint8Array): void {
    if (data.length === 0) return; // a quick write: just the address
    this.pointer = data[0]! % this.regs.length;
    for (let i = 1; i < data.length; i++) {
      this.writes.push([this.pointer, data[i]!]);
      if (!this.readOnly.has(this.pointer)) this.writeRegister(this.pointer, data[i]!);
      this.advance();
    }
  }

  read(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      out[i] = this.readRegister(this.pointer) & 0xff;
      this.advance();
    }
    return out;
  }

  /** The value a bus read of `reg` returns. */
  protected readRegister(reg: number): number {
    return this.regs[reg]!;
  }

  /** Store a value the bus wrote (only called for writable registers). */
  protected writeRegister(reg: number, value: number): void {
    this.regs[reg] = value;
  }

  protected advance(): void {
    if (this.autoIncrement) this.pointer = (this.pointer + 1) % this.regs.length;
  }

  /** Test side: a register's stored value, bypassing read behaviour. */
  peek(reg: number): number {
    return this.regs[checkInt("register", reg, 0, this.regs.length - 1)]!;
  }

  /** Test side: set a register, read-only ones included. */
  poke(reg: number, value: number): this {
    this.regs[checkInt("register", reg, 0, this.regs.length - 1)] = checkInt("register value", value, 0, 0xff);
    return this;
  }

  /** Two registers as a little-endian word (`reg` low byte, `reg + 1` high byte). */
  peekWord(reg: number): number {
    return this.peek(reg) | (this.peek(reg + 1) << 8);
  }

  pokeWord(reg: number, value: number): this {
    return this.poke(reg, value & 0xff).poke(reg + 1, (value >> 8) & 0xff);
  }
}
