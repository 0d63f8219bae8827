// Struct layouts and ioctl numbers of the i2c-dev and GPIO v2 uAPIs, against the values of
// <linux/i2c-dev.h>, <linux/i2c.h> and <linux/gpio.h> (x86-64 = arm64 here), and, when a C compiler
// and the kernel headers are present, against the compiler's own sizeof/offsetof.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ptr } from "bun:ffi";
import * as I from "../../src/devices/i2c/uapi.ts";
import * as G from "../../src/devices/gpio/uapi.ts";

const u32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o, true);
const u64 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(o, true);

describe("i2c-dev", () => {
  test("ioctl numbers", () => {
    expect([I.I2C_SLAVE, I.I2C_SLAVE_FORCE, I.I2C_FUNCS, I.I2C_RDWR, I.I2C_SMBUS, I.I2C_TIMEOUT]).toEqual([
      0x0703, 0x0706, 0x0705, 0x0707, 0x0720, 0x0702,
    ]);
  });
  test("i2c_smbus_ioctl_data: read_write @0, command @1, size @4, data pointer @8 (16 bytes)", () => {
    const data = new Uint8Array(I.SMBUS_DATA_SIZE);
    const s = I.smbusIoctlData(1, 0xd0, I.I2C_SMBUS_I2C_BLOCK_DATA, data);
    expect(s.length).toBe(16);
    expect([s[0], s[1], u32(s, 4)]).toEqual([1, 0xd0, 8]);
    expect(u64(s, 8)).toBe(BigInt(ptr(data)));
    expect(I.SMBUS_DATA_SIZE).toBe(34);
  });
  test("i2c_msg (16 bytes each) and i2c_rdwr_ioctl_data (msgs @0, nmsgs @8)", () => {
    const a = Uint8Array.of(0x10);
    const b = new Uint8Array(3);
    const { rdwr, msgs } = I.rdwrIoctlData([
      { address: 0x50, read: false, buffer: a },
      { address: 0x50, read: true, buffer: b },
    ]);
    expect(msgs.length).toBe(32);
    const v = new DataView(msgs.buffer);
    expect([v.getUint16(0, true), v.getUint16(2, true), v.getUint16(4, true)]).toEqual([0x50, 0, 1]);
    expect([v.getUint16(16, true), v.getUint16(18, true), v.getUint16(20, true)]).toEqual([0x50, I.I2C_M_RD, 3]);
    expect(u64(msgs, 8)).toBe(BigInt(ptr(a)));
    expect(u64(msgs, 24)).toBe(BigInt(ptr(b)));
    expect(u64(rdwr, 0)).toBe(BigInt(ptr(msgs)));
    expect(u32(rdwr, 8)).toBe(2);
  });
});

describe("GPIO v2", () => {
  test("ioctl numbers (_IOR/_IOWR(0xB4, nr, struct))", () => {
    expect(G.GPIO_GET_CHIPINFO_IOCTL).toBe(0x8044b401);
    expect(G.GPIO_V2_GET_LINEINFO_IOCTL).toBe(0xc100b405);
    expect(G.GPIO_V2_GET_LINE_IOCTL).toBe(0xc250b407);
    expect(G.GPIO_V2_LINE_SET_CONFIG_IOCTL).toBe(0xc110b40d);
    expect(G.GPIO_V2_LINE_GET_VALUES_IOCTL).toBe(0xc010b40e);
    expect(G.GPIO_V2_LINE_SET_VALUES_IOCTL).toBe(0xc010b40f);
  });
  test("gpio_v2_line_request: offsets @0, consumer @256, config @288 (attrs @320), num_lines @560, fd @588", () => {
    const r = G.encodeLineRequest(
      [17, 27],
      "blinky",
      G.FLAG_OUTPUT | G.FLAG_ACTIVE_LOW,
      [
        { id: G.ATTR_ID_OUTPUT_VALUES, value: 0b10n, mask: 0b11n },
        { id: G.ATTR_ID_DEBOUNCE, value: 5000n, mask: 0b01n },
      ],
      32,
    );
    expect(r.length).toBe(592);
    expect([u32(r, 0), u32(r, 4)]).toEqual([17, 27]);
    expect(new TextDecoder().decode(r.subarray(256, 262))).toBe("blinky");
    expect(r[262]).toBe(0);
    expect(u64(r, 288)).toBe(BigInt(G.FLAG_OUTPUT | G.FLAG_ACTIVE_LOW));
    expect(u32(r, 296)).toBe(2); // num_attrs
    expect([u32(r, 320), u64(r, 328), u64(r, 336)]).toEqual([G.ATTR_ID_OUTPUT_VALUES, 0b10n, 0b11n]);
    expect([u32(r, 344), u32(r, 352), u64(r, 360)]).toEqual([G.ATTR_ID_DEBOUNCE, 5000, 0b01n]);
    expect([u32(r, 560), u32(r, 564)]).toEqual([2, 32]);
    new DataView(r.buffer).setInt32(588, 42, true);
    expect(G.requestFd(r)).toBe(42);
  });
  test("gpio_v2_line_info and gpio_v2_line_event decode from their byte layouts", () => {
    const b = new Uint8Array(256);
    b.set(new TextEncoder().encode("GPIO17"), 0);
    b.set(new TextEncoder().encode("kernel-led"), 32);
    const v = new DataView(b.buffer);
    v.setUint32(64, 17, true);
    v.setUint32(68, 1, true);
    v.setBigUint64(72, BigInt(G.FLAG_USED | G.FLAG_INPUT | G.FLAG_EDGE_RISING), true);
    v.setUint32(80, G.ATTR_ID_DEBOUNCE, true);
    v.setUint32(88, 2500, true);
    expect(G.decodeLineInfo(b)).toEqual({
      name: "GPIO17",
      consumer: "kernel-led",
      offset: 17,
      flags: G.FLAG_USED | G.FLAG_INPUT | G.FLAG_EDGE_RISING,
      attrs: [{ id: G.ATTR_ID_DEBOUNCE, value: 2500n }],
    });
    const e = new Uint8Array(96);
    const ev = new DataView(e.buffer);
    ev.setBigUint64(48, 123456789n, true);
    ev.setUint32(56, G.LINE_EVENT_FALLING_EDGE, true);
    ev.setUint32(60, 4, true);
    ev.setUint32(64, 9, true);
    ev.setUint32(68, 3, true);
    expect(G.decodeLineEvent(e, 48)).toEqual({ timestampNs: 123456789n, id: 2, offset: 4, seqno: 9, lineSeqno: 3 });
  });
});

// The strongest check: ask the C compiler. Skipped (with the reason) where there is none.
const cc = Bun.which("cc") ?? Bun.which("gcc");
const headers = existsSync("/usr/include/linux/gpio.h") && existsSync("/usr/include/linux/i2c-dev.h");
test.skipIf(!cc || !headers)(
  `sizes and offsets match the C compiler${!cc || !headers ? " (skipped: needs cc and linux-libc-dev)" : ""}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), "dd-uapi-"));
    writeFileSync(
      join(dir, "l.c"),
      `#include <stdio.h>
#include <stddef.h>
#include <linux/gpio.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
int main(void){printf("%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %lu %lu %lu %lu %lu %lu",
sizeof(struct gpiochip_info), sizeof(struct gpio_v2_line_info), offsetof(struct gpio_v2_line_info, flags), offsetof(struct gpio_v2_line_info, attrs),
sizeof(struct gpio_v2_line_config), offsetof(struct gpio_v2_line_config, attrs), sizeof(struct gpio_v2_line_request),
offsetof(struct gpio_v2_line_request, consumer), offsetof(struct gpio_v2_line_request, config), offsetof(struct gpio_v2_line_request, num_lines), offsetof(struct gpio_v2_line_request, fd),
sizeof(struct gpio_v2_line_event), sizeof(struct i2c_msg), offsetof(struct i2c_msg, buf), offsetof(struct i2c_smbus_ioctl_data, data),
(unsigned long)GPIO_GET_CHIPINFO_IOCTL, (unsigned long)GPIO_V2_GET_LINEINFO_IOCTL, (unsigned long)GPIO_V2_GET_LINE_IOCTL, (unsigned long)GPIO_V2_LINE_SET_CONFIG_IOCTL,
(unsigned long)GPIO_V2_LINE_GET_VALUES_IOCTL, (unsigned long)GPIO_V2_LINE_SET_VALUES_IOCTL);return 0;}`,
    );
    const build = Bun.spawnSync([cc!, "-o", join(dir, "l"), join(dir, "l.c")]);
    expect(build.stderr.toString()).toBe("");
    const got = Bun.spawnSync([join(dir, "l")])
      .stdout.toString()
      .split(" ")
      .map(Number);
    expect(got).toEqual([
      G.SIZEOF_CHIPINFO,
      G.SIZEOF_LINE_INFO,
      72,
      80,
      G.SIZEOF_LINE_CONFIG,
      32,
      G.SIZEOF_LINE_REQUEST,
      256,
      288,
      560,
      588,
      G.SIZEOF_LINE_EVENT,
      16,
      8,
      8,
      G.GPIO_GET_CHIPINFO_IOCTL,
      G.GPIO_V2_GET_LINEINFO_IOCTL,
      G.GPIO_V2_GET_LINE_IOCTL,
      G.GPIO_V2_LINE_SET_CONFIG_IOCTL,
      G.GPIO_V2_LINE_GET_VALUES_IOCTL,
      G.GPIO_V2_LINE_SET_VALUES_IOCTL,
    ]);
  },
);
