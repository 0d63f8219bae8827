/**
 * @module i2c/uapi
 * The Linux i2c-dev user API as numbers and byte layouts, from <linux/i2c-dev.h> and <linux/i2c.h>.
 * Layouts are written out with explicit offsets for a 64-bit kernel (x86-64 and arm64 agree:
 * pointers and their alignment are 8 bytes), and checked against the C compiler's `offsetof` in
 * test/devices/i2c-uapi.test.ts.
 */

import { ptr } from "bun:ffi";

// ioctl requests on /dev/i2c-N (i2c-dev.h)
export const I2C_RETRIES = 0x0701;
export const I2C_TIMEOUT = 0x0702;
export const I2C_SLAVE = 0x0703;
export const I2C_TENBIT = 0x0704;
export const I2C_FUNCS = 0x0705;
export const I2C_SLAVE_FORCE = 0x0706;
export const I2C_RDWR = 0x0707;
export const I2C_PEC = 0x0708;
export const I2C_SMBUS = 0x0720;
export const I2C_RDWR_IOCTL_MAX_MSGS = 42;

// i2c_msg.flags (i2c.h)
export const I2C_M_RD = 0x0001;
export const I2C_M_TEN = 0x0010;
export const I2C_M_RECV_LEN = 0x0400;
export const I2C_M_NO_RD_ACK = 0x0800;
export const I2C_M_IGNORE_NAK = 0x1000;
export const I2C_M_NOSTART = 0x4000;

// adapter functionality bits (i2c.h)
export const I2C_FUNC_I2C = 0x00000001;
export const I2C_FUNC_10BIT_ADDR = 0x00000002;
export const I2C_FUNC_PROTOCOL_MANGLING = 0x00000004;
export const I2C_FUNC_SMBUS_PEC = 0x00000008;
export const I2C_FUNC_NOSTART = 0x00000010;
export const I2C_FUNC_SLAVE = 0x00000020;
export const I2C_FUNC_SMBUS_BLOCK_PROC_CALL = 0x00008000;
export const I2C_FUNC_SMBUS_QUICK = 0x00010000;
export const I2C_FUNC_SMBUS_READ_BYTE = 0x00020000;
export const I2C_FUNC_SMBUS_WRITE_BYTE = 0x00040000;
export const I2C_FUNC_SMBUS_READ_BYTE_DATA = 0x00080000;
export const I2C_FUNC_SMBUS_WRITE_BYTE_DATA = 0x00100000;
export const I2C_FUNC_SMBUS_READ_WORD_DATA = 0x00200000;
export const I2C_FUNC_SMBUS_WRITE_WORD_DATA = 0x00400000;
export const I2C_FUNC_SMBUS_PROC_CALL = 0x00800000;
export const I2C_FUNC_SMBUS_READ_BLOCK_DATA = 0x01000000;
export const I2C_FUNC_SMBUS_WRITE_BLOCK_DATA = 0x02000000;
export const I2C_FUNC_SMBUS_READ_I2C_BLOCK = 0x04000000;
export const I2C_FUNC_SMBUS_WRITE_I2C_BLOCK = 0x08000000;

/** What a plain I2C adapter with SMBus emulation offers (i2c.h: I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL). */
export const I2C_FUNCS_FULL =
  I2C_FUNC_I2C |
  I2C_FUNC_SMBUS_QUICK |
  I2C_FUNC_SMBUS_READ_BYTE |
  I2C_FUNC_SMBUS_WRITE_BYTE |
  I2C_FUNC_SMBUS_READ_BYTE_DATA |
  I2C_FUNC_SMBUS_WRITE_BYTE_DATA |
  I2C_FUNC_SMBUS_READ_WORD_DATA |
  I2C_FUNC_SMBUS_WRITE_WORD_DATA |
  I2C_FUNC_SMBUS_PROC_CALL |
  I2C_FUNC_SMBUS_WRITE_BLOCK_DATA |
  I2C_FUNC_SMBUS_READ_I2C_BLOCK |
  I2C_FUNC_SMBUS_WRITE_I2C_BLOCK |
  I2C_FUNC_SMBUS_PEC;

/** What the kernel's i2c-stub offers by default: SMBus only, no plain I2C read/write. */
export const I2C_FUNCS_SMBUS_ONLY =
  I2C_FUNC_SMBUS_QUICK |
  I2C_FUNC_SMBUS_READ_BYTE |
  I2C_FUNC_SMBUS_WRITE_BYTE |
  I2C_FUNC_SMBUS_READ_BYTE_DATA |
  I2C_FUNC_SMBUS_WRITE_BYTE_DATA |
  I2C_FUNC_SMBUS_READ_WORD_DATA |
  I2C_FUNC_SMBUS_WRITE_WORD_DATA |
  I2C_FUNC_SMBUS_READ_I2C_BLOCK |
  I2C_FUNC_SMBUS_WRITE_I2C_BLOCK;

// i2c_smbus_ioctl_data.read_write and .size (i2c.h)
export const I2C_SMBUS_WRITE = 0;
export const I2C_SMBUS_READ = 1;
export const I2C_SMBUS_QUICK = 0;
export const I2C_SMBUS_BYTE = 1;
export const I2C_SMBUS_BYTE_DATA = 2;
export const I2C_SMBUS_WORD_DATA = 3;
export const I2C_SMBUS_PROC_CALL = 4;
export const I2C_SMBUS_BLOCK_DATA = 5;
export const I2C_SMBUS_I2C_BLOCK_DATA = 8;
export const I2C_SMBUS_BLOCK_MAX = 32;

/** sizeof(union i2c_smbus_data): byte, word or block[0] = length + 32 bytes + 1 spare. */
export const SMBUS_DATA_SIZE = I2C_SMBUS_BLOCK_MAX + 2;

/** struct i2c_smbus_ioctl_data { u8 read_write @0; u8 command @1; u32 size @4; union *data @8 }: 16 bytes. */
export function smbusIoctlData(readWrite: number, command: number, size: number, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(16);
  const v = new DataView(s.buffer);
  v.setUint8(0, readWrite);
  v.setUint8(1, command);
  v.setUint32(4, size, true);
  v.setBigUint64(8, addressOf(data), true);
  return s;
}

/** One message of a combined transfer (struct i2c_msg). */
export interface I2CMessage {
  address: number;
  /** true: the device sends `length` bytes into `buffer`; false: `buffer` is sent. */
  read: boolean;
  buffer: Uint8Array;
  /** Bytes to move; defaults to `buffer.length`. */
  length?: number;
  /** Extra i2c_msg flags (I2C_M_TEN, I2C_M_IGNORE_NAK, ...). */
  flags?: number;
}

/**
 * struct i2c_msg { u16 addr @0; u16 flags @2; u16 len @4; u8 *buf @8 }: 16 bytes each, and
 * struct i2c_rdwr_ioctl_data { i2c_msg *msgs @0; u32 nmsgs @8 }: 16 bytes.
 * Returns both; keep `msgs` referenced until the ioctl returns.
 */
export function rdwrIoctlData(messages: readonly I2CMessage[]): { rdwr: Uint8Array; msgs: Uint8Array } {
  const msgs = new Uint8Array(16 * messages.length);
  const v = new DataView(msgs.buffer);
  messages.forEach((m, i) => {
    const o = 16 * i;
    v.setUint16(o, m.address, true);
    v.setUint16(o + 2, (m.read ? I2C_M_RD : 0) | (m.flags ?? 0), true);
    v.setUint16(o + 4, m.length ?? m.buffer.length, true);
    v.setBigUint64(o + 8, addressOf(m.buffer), true);
  });
  const rdwr = new Uint8Array(16);
  const r = new DataView(rdwr.buffer);
  r.setBigUint64(0, addressOf(msgs), true);
  r.setUint32(8, messages.length, true);
  return { rdwr, msgs };
}

/** The address of a typed array's bytes, as a u64 field value; NULL for an empty array. */
function addressOf(a: Uint8Array): bigint {
  return a.length === 0 ? 0n : BigInt(ptr(a));
}
