/**
 * @module i2c/sim
 * A simulated I2C bus behind the same interface as the real one: devices answer at addresses,
 * SMBus calls are turned into I2C messages the way the kernel emulates them, and faults happen on
 * demand (NAK, bus timeout, device unplugged mid-transfer). Faults surface as the errno the kernel
 * would report, so the real and simulated bus raise the same errors.
 *
 * @example
 * const sim = new SimI2CBus({ bus: 1 }).attach(0x76, new SimBME280());
 * sim.fault(0x76, "timeout");            // the next transfer to 0x76 fails with ETIMEDOUT
 */

import { ERRNO, ErrnoFault } from "../errno.ts";
import { checkInt, badArg } from "../device-error.ts";
import { blockFor } from "../sim-clock.ts";
import { I2CBusBase } from "./base.ts";
import { addressBusy } from "./errors.ts";
import * as U from "./uapi.ts";

/** A device on the simulated bus, seen at the level of I2C messages. */
export interface SimI2CDevice {
  /** The master wrote `data` (one write message; empty for a quick write). Throw ErrnoFault to NAK. */
  write(data: Uint8Array): void;
  /** The master reads `length` bytes. */
  read(length: number): Uint8Array;
  /** A transfer to this device ended (STOP). */
  stop?(): void;
  /** 24-bit device id (UM10204 §3.1.17) if the part has one. */
  readonly deviceId?: number;
}

/**
 * nak: the address is not acknowledged (ENXIO). timeout: the adapter reports a timeout at once
 * (ETIMEDOUT). hang: the bus is stuck: the transfer blocks its thread for `ms` (default 1000, the
 * kernel's default adapter timeout) and then fails with ETIMEDOUT, as a real ioctl would.
 * unplug: the device vanishes mid-transfer (EREMOTEIO, then ENXIO until `replug`).
 */
export type SimFaultKind = "nak" | "timeout" | "hang" | "unplug";

export interface SimFaultOptions {
  /** How many transfers fail (default 1; `Infinity` until `clearFaults`). Ignored for "unplug". */
  times?: number;
  /** Let this many transfers succeed first (default 0). */
  after?: number;
  /** "hang": how long the transfer blocks before it fails (ms, default 1000). */
  ms?: number;
}

export interface SimI2CBusOptions {
  /** Bus number: the path becomes `sim:i2c-N`. */
  bus?: number;
  /** Adapter functionality bits (default: a full I2C adapter; `I2C_FUNCS_SMBUS_ONLY` behaves like i2c-stub). */
  funcs?: number;
  devices?: Record<number, SimI2CDevice>;
  /** Addresses a (pretend) kernel driver has claimed: I2C_SLAVE fails with EBUSY unless `forceAccess`. */
  claimed?: number[];
  forceAccess?: boolean;
  /**
   * A real blocking sleep of this many ms per transfer, standing in for the time the kernel's ioctl
   * holds its thread (at 100 kHz a register read takes ~0.3 ms). With it the simulated bus blocks
   * the event loop as the real one would, unless it runs on the device thread (`thread: true`).
   */
  latencyMs?: number;
}

interface Fault {
  kind: SimFaultKind;
  times: number;
  after: number;
  ms: number;
}

export class SimI2CBus extends I2CBusBase {
  readonly simulated = true;
  /** Transfers attempted (each SMBus call, combined transfer, read or write counts one). */
  transfers = 0;
  private readonly funcBits: number;
  private readonly devices = new Map<number, SimI2CDevice>();
  private readonly unplugged = new Map<number, SimI2CDevice>();
  private readonly faults = new Map<number, Fault[]>();
  private readonly claimed: Set<number>;
  private readonly force: boolean;
  /** See {@link SimI2CBusOptions.latencyMs}; may be changed at any time. */
  latencyMs: number;

  constructor(options: SimI2CBusOptions = {}) {
    super(`sim:i2c-${options.bus ?? 1}`);
    this.funcBits = options.funcs ?? U.I2C_FUNCS_FULL;
    this.claimed = new Set(options.claimed ?? []);
    this.force = !!options.forceAccess;
    this.latencyMs = options.latencyMs ?? 0;
    for (const [a, d] of Object.entries(options.devices ?? {})) this.attach(Number(a), d);
  }

  /** Put a device at an address (replacing any). */
  attach(address: number, device: SimI2CDevice): this {
    checkInt("I2C address", address, 0, 0x7f, { device: this.path });
    if (!device || typeof device.write !== "function" || typeof device.read !== "function") {
      throw badArg(
        "invalid simulated device",
        "an object with write(data) and read(length) (e.g. a RegisterChip)",
        device,
        "pass a simulated chip such as new SimBME280()",
        { device: this.path, address },
      );
    }
    this.devices.set(address, device);
    this.unplugged.delete(address);
    return this;
  }

  detach(address: number): this {
    this.devices.delete(address);
    this.unplugged.delete(address);
    return this;
  }

  /** The device at an address (also one that was unplugged by a fault). */
  device<D extends SimI2CDevice = SimI2CDevice>(address: number): D | undefined {
    return (this.devices.get(address) ?? this.unplugged.get(address)) as D | undefined;
  }

  /** Plug a device back in after an "unplug" fault. */
  replug(address: number): this {
    const d = this.unplugged.get(address);
    if (d) this.attach(address, d);
    return this;
  }

  /** Make transfers to `address` fail (see {@link SimFaultKind}). */
  fault(address: number, kind: SimFaultKind, options: SimFaultOptions = {}): this {
    const list = this.faults.get(address) ?? [];
    if (!["nak", "timeout", "hang", "unplug"].includes(kind))
      throw badArg("unknown fault", '"nak", "timeout", "hang" or "unplug"', kind, "pick one of the simulated faults", {
        device: this.path,
        address,
      });
    list.push({ kind, times: kind === "unplug" ? 1 : (options.times ?? 1), after: options.after ?? 0, ms: options.ms ?? 1000 });
    this.faults.set(address, list);
    return this;
  }

  clearFaults(address?: number): this {
    if (address === undefined) this.faults.clear();
    else this.faults.delete(address);
    return this;
  }

  protected doFuncs(): number {
    return this.funcBits;
  }

  protected doSmbus(address: number, rw: number, command: number, size: number, data: Uint8Array): void {
    const read = rw === U.I2C_SMBUS_READ;
    const need = SMBUS_FUNC[`${size}:${read ? "r" : "w"}`];
    this.select(address);
    if (need === undefined || (this.funcBits & need) === 0) throw new ErrnoFault(ERRNO.EOPNOTSUPP, "ioctl(I2C_SMBUS)");
    const w = (...b: number[]) => ({ address, read: false, buffer: Uint8Array.from(b) });
    const r = (n: number) => ({ address, read: true, buffer: new Uint8Array(n) });
    let msgs: U.I2CMessage[];
    switch (size) {
      case U.I2C_SMBUS_QUICK:
        msgs = [read ? r(0) : w()];
        break;
      case U.I2C_SMBUS_BYTE:
        msgs = [read ? r(1) : w(command)];
        break;
      case U.I2C_SMBUS_BYTE_DATA:
        msgs = read ? [w(command), r(1)] : [w(command, data[0]!)];
        break;
      case U.I2C_SMBUS_WORD_DATA:
        msgs = read ? [w(command), r(2)] : [w(command, data[0]!, data[1]!)];
        break;
      case U.I2C_SMBUS_I2C_BLOCK_DATA: {
        const n = data[0]!;
        if (n < 1 || n > U.I2C_SMBUS_BLOCK_MAX) throw new ErrnoFault(ERRNO.EINVAL, "ioctl(I2C_SMBUS)");
        msgs = read ? [w(command), r(n)] : [w(command, ...data.subarray(1, 1 + n))];
        break;
      }
      case U.I2C_SMBUS_BLOCK_DATA: {
        if (!read) {
          const n = data[0]!;
          if (n < 1 || n > U.I2C_SMBUS_BLOCK_MAX) throw new ErrnoFault(ERRNO.EINVAL, "ioctl(I2C_SMBUS)");
          msgs = [w(command, n, ...data.subarray(1, 1 + n))];
          break;
        }
        // The count comes first (I2C_M_RECV_LEN): read it, then that many bytes, in one transfer.
        this.xfer(address, [w(command)], (dev) => {
          const count = dev.read(1)[0]!;
          if (count < 1 || count > U.I2C_SMBUS_BLOCK_MAX) throw new ErrnoFault(ERRNO.EPROTO, "ioctl(I2C_SMBUS)");
          data[0] = count;
          data.set(dev.read(count).subarray(0, count), 1);
        });
        return;
      }
      default:
        throw new ErrnoFault(ERRNO.EOPNOTSUPP, "ioctl(I2C_SMBUS)");
    }
    this.xfer(address, msgs);
    const last = msgs[msgs.length - 1]!;
    if (!last.read) return;
    if (size === U.I2C_SMBUS_I2C_BLOCK_DATA) data.set(last.buffer, 1);
    else data.set(last.buffer, 0);
  }

  protected doTransfer(messages: readonly U.I2CMessage[]): void {
    if ((this.funcBits & U.I2C_FUNC_I2C) === 0) throw new ErrnoFault(ERRNO.EOPNOTSUPP, "ioctl(I2C_RDWR)");
    if (this.deviceIdQuery(messages)) return;
    // A combined transfer may address several devices; each is checked as its turn comes.
    let i = 0;
    while (i < messages.length) {
      let j = i;
      while (j < messages.length && messages[j]!.address === messages[i]!.address) j++;
      this.xfer(messages[i]!.address, messages.slice(i, j));
      i = j;
    }
  }

  /** The reserved device-id address 0x7c (UM10204 §3.1.17): answered for parts that have an id. */
  private deviceIdQuery(messages: readonly U.I2CMessage[]): boolean {
    const [w, r] = messages;
    if (messages.length !== 2 || !w || !r || w.address !== 0x7c || r.address !== 0x7c || w.read || !r.read || this.devices.has(0x7c))
      return false;
    this.transfers++;
    if (this.latencyMs > 0) blockFor(this.latencyMs);
    const id = this.devices.get(w.buffer[0]! >> 1)?.deviceId;
    if (id === undefined) throw new ErrnoFault(ERRNO.ENXIO, "transfer");
    r.buffer.set([id >> 16, (id >> 8) & 0xff, id & 0xff].slice(0, r.length ?? r.buffer.length));
    return true;
  }

  protected doRead(address: number, buffer: Uint8Array, length: number): number {
    this.select(address);
    if ((this.funcBits & U.I2C_FUNC_I2C) === 0) throw new ErrnoFault(ERRNO.EOPNOTSUPP, "read");
    if (length === 0) return 0;
    const m = { address, read: true, buffer: new Uint8Array(length) };
    this.xfer(address, [m]);
    buffer.set(m.buffer);
    return length;
  }

  protected doWrite(address: number, buffer: Uint8Array, length: number): number {
    this.select(address);
    if ((this.funcBits & U.I2C_FUNC_I2C) === 0) throw new ErrnoFault(ERRNO.EOPNOTSUPP, "write");
    if (length === 0) return 0;
    this.xfer(address, [{ address, read: false, buffer: buffer.slice(0, length) }]);
    return length;
  }

  protected doClose(): void {}

  /** What I2C_SLAVE does on the real bus (SMBus calls, read, write; not combined transfers). */
  private select(address: number): void {
    if (this.claimed.has(address) && !this.force) throw addressBusy(this.path, address);
  }

  /** One transfer to one device: faults first, then the messages in order, then STOP. */
  private xfer(address: number, msgs: readonly U.I2CMessage[], tail?: (dev: SimI2CDevice) => void): void {
    this.transfers++;
    if (this.latencyMs > 0) blockFor(this.latencyMs);
    const f = this.takeFault(address);
    const fault = f?.kind;
    if (fault === "hang") {
      blockFor(f!.ms);
      throw new ErrnoFault(ERRNO.ETIMEDOUT, "transfer");
    }
    if (fault === "timeout") throw new ErrnoFault(ERRNO.ETIMEDOUT, "transfer");
    if (fault === "nak") throw new ErrnoFault(ERRNO.ENXIO, "transfer");
    const dev = this.devices.get(address);
    if (!dev) throw new ErrnoFault(ERRNO.ENXIO, "transfer");
    if (fault === "unplug") {
      // The first bytes get through, then the device is gone: EREMOTEIO now, ENXIO from now on.
      const first = msgs[0];
      if (first && !first.read && first.buffer.length > 0) dev.write(first.buffer.subarray(0, msgs.length > 1 ? first.buffer.length : 1));
      this.devices.delete(address);
      this.unplugged.set(address, dev);
      throw new ErrnoFault(ERRNO.EREMOTEIO, "transfer");
    }
    try {
      for (const m of msgs) {
        const n = m.length ?? m.buffer.length;
        if (m.read) m.buffer.set(dev.read(n).subarray(0, n));
        else dev.write(m.buffer.subarray(0, n));
      }
      tail?.(dev);
    } finally {
      dev.stop?.();
    }
  }

  private takeFault(address: number): Fault | undefined {
    const list = this.faults.get(address);
    const f = list?.[0];
    if (!f) return undefined;
    if (f.after > 0) {
      f.after--;
      return undefined;
    }
    if (--f.times <= 0) list!.shift();
    return f;
  }
}

/** Which functionality bit each SMBus transaction needs ("size:r" / "size:w"). */
const SMBUS_FUNC: Record<string, number> = {
  [`${U.I2C_SMBUS_QUICK}:r`]: U.I2C_FUNC_SMBUS_QUICK,
  [`${U.I2C_SMBUS_QUICK}:w`]: U.I2C_FUNC_SMBUS_QUICK,
  [`${U.I2C_SMBUS_BYTE}:r`]: U.I2C_FUNC_SMBUS_READ_BYTE,
  [`${U.I2C_SMBUS_BYTE}:w`]: U.I2C_FUNC_SMBUS_WRITE_BYTE,
  [`${U.I2C_SMBUS_BYTE_DATA}:r`]: U.I2C_FUNC_SMBUS_READ_BYTE_DATA,
  [`${U.I2C_SMBUS_BYTE_DATA}:w`]: U.I2C_FUNC_SMBUS_WRITE_BYTE_DATA,
  [`${U.I2C_SMBUS_WORD_DATA}:r`]: U.I2C_FUNC_SMBUS_READ_WORD_DATA,
  [`${U.I2C_SMBUS_WORD_DATA}:w`]: U.I2C_FUNC_SMBUS_WRITE_WORD_DATA,
  [`${U.I2C_SMBUS_BLOCK_DATA}:r`]: U.I2C_FUNC_SMBUS_READ_BLOCK_DATA,
  [`${U.I2C_SMBUS_BLOCK_DATA}:w`]: U.I2C_FUNC_SMBUS_WRITE_BLOCK_DATA,
  [`${U.I2C_SMBUS_I2C_BLOCK_DATA}:r`]: U.I2C_FUNC_SMBUS_READ_I2C_BLOCK,
  [`${U.I2C_SMBUS_I2C_BLOCK_DATA}:w`]: U.I2C_FUNC_SMBUS_WRITE_I2C_BLOCK,
};
