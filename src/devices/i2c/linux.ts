/**
 * @module i2c/linux
 * A real I2C bus: `/dev/i2c-N` through the kernel's i2c-dev interface, called with bun:ffi (no
 * native addon, so it works in a `bun build --compile` binary on x86-64 and arm64). SMBus calls
 * use the I2C_SMBUS ioctl, combined transfers I2C_RDWR, plain reads and writes read(2)/write(2)
 * after I2C_SLAVE (or I2C_SLAVE_FORCE with `forceAccess`). One file descriptor per bus; the
 * address is only re-selected when it changes.
 */

import { libc, O_CLOEXEC, O_RDWR } from "../libc.ts";
import { ERRNO, ErrnoFault } from "../errno.ts";
import { openError } from "../open-error.ts";
import { I2CBusBase } from "./base.ts";
import { addressBusy, i2cError } from "./errors.ts";
import * as U from "./uapi.ts";

export interface LinuxI2COptions {
  /** Use I2C_SLAVE_FORCE: talk to an address even when a kernel driver has claimed it (i2c-bus's `forceAccess`). */
  forceAccess?: boolean;
  /**
   * Set the adapter's transfer timeout (I2C_TIMEOUT, rounded up to 10 ms). This changes it for
   * every user of the adapter until reboot, so it is off unless asked for.
   */
  timeoutMs?: number;
}

export class LinuxI2CBus extends I2CBusBase {
  readonly simulated = false;
  private readonly fd: number;
  private readonly force: boolean;
  private selected = -1;

  /**
   * Open `/dev/i2c-N` (a number) or a device path.
   * @example const bus = new LinuxI2CBus(1); const id = await bus.readByte(0x76, 0xd0);
   */
  constructor(bus: number | string, options: LinuxI2COptions = {}) {
    super(typeof bus === "number" ? `/dev/i2c-${bus}` : bus);
    this.force = !!options.forceAccess;
    const c = libc();
    const fd = c.open(this.path, O_RDWR | O_CLOEXEC);
    if (fd < 0) throw openError(-fd, this.path, "i2c");
    this.fd = fd;
    // A file that is not an i2c-dev adapter fails here (ENOTTY), not at the first transfer.
    const funcs = new Uint8Array(8);
    const r = c.ioctl(fd, U.I2C_FUNCS, funcs);
    if (r < 0) {
      c.close(fd);
      throw i2cError(-r, { device: this.path, operation: "ioctl(I2C_FUNCS)" });
    }
    if (options.timeoutMs !== undefined) {
      const t = c.ioctl(fd, U.I2C_TIMEOUT, Math.max(1, Math.ceil(options.timeoutMs / 10)));
      if (t < 0) {
        c.close(fd);
        throw i2cError(-t, { device: this.path, operation: "ioctl(I2C_TIMEOUT)" });
      }
    }
  }

  private select(address: number): void {
    if (address === this.selected) return;
    const r = libc().ioctl(this.fd, this.force ? U.I2C_SLAVE_FORCE : U.I2C_SLAVE, address);
    if (r < 0) {
      if (-r === ERRNO.EBUSY) throw addressBusy(this.path, address);
      throw new ErrnoFault(-r, this.force ? "ioctl(I2C_SLAVE_FORCE)" : "ioctl(I2C_SLAVE)");
    }
    this.selected = address;
  }

  protected doFuncs(): number {
    // I2C_FUNCS writes an unsigned long; every bit defined so far sits in the low 32 bits.
    const out = new Uint8Array(8);
    const r = libc().ioctl(this.fd, U.I2C_FUNCS, out);
    if (r < 0) throw new ErrnoFault(-r, "ioctl(I2C_FUNCS)");
    return new DataView(out.buffer).getUint32(0, true);
  }

  protected doSmbus(address: number, readWrite: number, command: number, size: number, data: Uint8Array): void {
    this.select(address);
    const args = U.smbusIoctlData(readWrite, command, size, data);
    const r = libc().ioctl(this.fd, U.I2C_SMBUS, args);
    if (r < 0) throw new ErrnoFault(-r, "ioctl(I2C_SMBUS)");
  }

  protected doTransfer(messages: readonly U.I2CMessage[]): void {
    const { rdwr, msgs } = U.rdwrIoctlData(messages);
    const r = libc().ioctl(this.fd, U.I2C_RDWR, rdwr);
    keepAlive(msgs, messages);
    if (r < 0) throw new ErrnoFault(-r, "ioctl(I2C_RDWR)");
  }

  protected doRead(address: number, buffer: Uint8Array, length: number): number {
    this.select(address);
    if (length === 0) return 0;
    const r = libc().read(this.fd, buffer, length);
    if (r < 0) throw new ErrnoFault(-r, "read");
    return r;
  }

  protected doWrite(address: number, buffer: Uint8Array, length: number): number {
    this.select(address);
    if (length === 0) return 0;
    const r = libc().write(this.fd, buffer, length);
    if (r < 0) throw new ErrnoFault(-r, "write");
    return r;
  }

  protected doClose(): void {
    libc().close(this.fd);
  }
}

/** The kernel reads these through raw pointers: keep them reachable until the ioctl has returned. */
function keepAlive(..._values: unknown[]): void {}
