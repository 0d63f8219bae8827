/**
 * @module gpio/uapi
 * The Linux GPIO character device ABI v2 (<linux/gpio.h>) as numbers and byte layouts: ioctl
 * requests, line flags, and encoders/decoders for gpiochip_info, gpio_v2_line_info,
 * gpio_v2_line_config, gpio_v2_line_request, gpio_v2_line_values and gpio_v2_line_event. Every
 * struct is fixed-size with explicit 64-bit fields, so the layout is the same on x86-64 and arm64;
 * test/devices/gpio-uapi.test.ts checks sizes, offsets and ioctl numbers against the C compiler.
 */

export const GPIO_MAX_NAME_SIZE = 32;
export const GPIO_V2_LINES_MAX = 64;
export const GPIO_V2_LINE_NUM_ATTRS_MAX = 10;
/** The deepest event buffer a line request may ask for (GPIO_V2_LINES_MAX * 16 in gpiolib-cdev.c). */
export const MAX_EVENT_BUFFER = 1024;

/** _IOC from asm-generic/ioctl.h (x86-64 and arm64): dir << 30 | size << 16 | type << 8 | nr. */
function ioc(dir: number, type: number, nr: number, size: number): number {
  return ((dir << 30) | (size << 16) | (type << 8) | nr) >>> 0;
}
const IOC_READ = 2;
const IOC_RW = 3;

export const SIZEOF_CHIPINFO = 68;
export const SIZEOF_LINE_INFO = 256;
export const SIZEOF_LINE_CONFIG = 272;
export const SIZEOF_LINE_REQUEST = 592;
export const SIZEOF_LINE_VALUES = 16;
export const SIZEOF_LINE_EVENT = 48;

export const GPIO_GET_CHIPINFO_IOCTL = ioc(IOC_READ, 0xb4, 0x01, SIZEOF_CHIPINFO);
export const GPIO_V2_GET_LINEINFO_IOCTL = ioc(IOC_RW, 0xb4, 0x05, SIZEOF_LINE_INFO);
export const GPIO_V2_GET_LINE_IOCTL = ioc(IOC_RW, 0xb4, 0x07, SIZEOF_LINE_REQUEST);
export const GPIO_V2_LINE_SET_CONFIG_IOCTL = ioc(IOC_RW, 0xb4, 0x0d, SIZEOF_LINE_CONFIG);
export const GPIO_V2_LINE_GET_VALUES_IOCTL = ioc(IOC_RW, 0xb4, 0x0e, SIZEOF_LINE_VALUES);
export const GPIO_V2_LINE_SET_VALUES_IOCTL = ioc(IOC_RW, 0xb4, 0x0f, SIZEOF_LINE_VALUES);

// enum gpio_v2_line_flag
export const FLAG_USED = 1 << 0;
export const FLAG_ACTIVE_LOW = 1 << 1;
export const FLAG_INPUT = 1 << 2;
export const FLAG_OUTPUT = 1 << 3;
export const FLAG_EDGE_RISING = 1 << 4;
export const FLAG_EDGE_FALLING = 1 << 5;
export const FLAG_OPEN_DRAIN = 1 << 6;
export const FLAG_OPEN_SOURCE = 1 << 7;
export const FLAG_BIAS_PULL_UP = 1 << 8;
export const FLAG_BIAS_PULL_DOWN = 1 << 9;
export const FLAG_BIAS_DISABLED = 1 << 10;
export const FLAG_EVENT_CLOCK_REALTIME = 1 << 11;

// enum gpio_v2_line_attr_id
export const ATTR_ID_FLAGS = 1;
export const ATTR_ID_OUTPUT_VALUES = 2;
export const ATTR_ID_DEBOUNCE = 3;

// enum gpio_v2_line_event_id
export const LINE_EVENT_RISING_EDGE = 1;
export const LINE_EVENT_FALLING_EDGE = 2;

const dec = new TextDecoder();
function cString(b: Uint8Array, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const end = s.indexOf(0);
  return dec.decode(end < 0 ? s : s.subarray(0, end));
}
function putCString(b: Uint8Array, off: number, len: number, s: string): void {
  const bytes = new TextEncoder().encode(s).subarray(0, len - 1);
  b.set(bytes, off);
}
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** struct gpiochip_info { char name[32] @0; char label[32] @32; u32 lines @64 } */
export function decodeChipInfo(b: Uint8Array) {
  return { name: cString(b, 0, 32), label: cString(b, 32, 32), lines: view(b).getUint32(64, true) };
}

export interface RawAttribute {
  id: number;
  value: bigint;
}

/**
 * struct gpio_v2_line_info { char name[32] @0; char consumer[32] @32; u32 offset @64;
 * u32 num_attrs @68; u64 flags @72; struct gpio_v2_line_attribute attrs[10] @80; u32 padding[4] @240 }
 * struct gpio_v2_line_attribute { u32 id @0; u32 padding @4; u64 flags | u64 values | u32 debounce_period_us @8 }
 */
export function encodeLineInfoQuery(offset: number): Uint8Array {
  const b = new Uint8Array(SIZEOF_LINE_INFO);
  view(b).setUint32(64, offset, true);
  return b;
}

export function decodeLineInfo(b: Uint8Array) {
  const v = view(b);
  const n = Math.min(v.getUint32(68, true), GPIO_V2_LINE_NUM_ATTRS_MAX);
  const attrs: RawAttribute[] = [];
  for (let i = 0; i < n; i++) attrs.push({ id: v.getUint32(80 + 16 * i, true), value: v.getBigUint64(80 + 16 * i + 8, true) });
  return {
    name: cString(b, 0, 32),
    consumer: cString(b, 32, 32),
    offset: v.getUint32(64, true),
    flags: Number(v.getBigUint64(72, true) & 0xffffffffn),
    attrs,
  };
}

/** One config attribute: applies `id`/`value` to the lines whose bit (index in the request) is in `mask`. */
export interface ConfigAttribute {
  id: number;
  value: bigint;
  mask: bigint;
}

/**
 * struct gpio_v2_line_config { u64 flags @0; u32 num_attrs @8; u32 padding[5] @12;
 * struct gpio_v2_line_config_attribute attrs[10] @32 }, each attribute 24 bytes:
 * { struct gpio_v2_line_attribute attr @0 (16 bytes); u64 mask @16 }.
 */
export function encodeLineConfig(
  flags: number,
  attrs: readonly ConfigAttribute[],
  into = new Uint8Array(SIZEOF_LINE_CONFIG),
  at = 0,
): Uint8Array {
  const v = new DataView(into.buffer, into.byteOffset + at, SIZEOF_LINE_CONFIG);
  v.setBigUint64(0, BigInt(flags), true);
  v.setUint32(8, attrs.length, true);
  attrs.forEach((a, i) => {
    const o = 32 + 24 * i;
    v.setUint32(o, a.id, true);
    // debounce_period_us is a u32 at the start of the union; flags/values use all 64 bits.
    if (a.id === ATTR_ID_DEBOUNCE) v.setUint32(o + 8, Number(a.value), true);
    else v.setBigUint64(o + 8, a.value, true);
    v.setBigUint64(o + 16, a.mask, true);
  });
  return into;
}

/**
 * struct gpio_v2_line_request { u32 offsets[64] @0; char consumer[32] @256;
 * struct gpio_v2_line_config config @288; u32 num_lines @560; u32 event_buffer_size @564;
 * u32 padding[5] @568; s32 fd @588 }
 */
export function encodeLineRequest(
  offsets: readonly number[],
  consumer: string,
  flags: number,
  attrs: readonly ConfigAttribute[],
  eventBufferSize = 0,
): Uint8Array {
  const b = new Uint8Array(SIZEOF_LINE_REQUEST);
  const v = view(b);
  offsets.forEach((o, i) => {
    v.setUint32(4 * i, o, true);
  });
  putCString(b, 256, GPIO_MAX_NAME_SIZE, consumer);
  encodeLineConfig(flags, attrs, b, 288);
  v.setUint32(560, offsets.length, true);
  v.setUint32(564, eventBufferSize, true);
  return b;
}

export function requestFd(b: Uint8Array): number {
  return view(b).getInt32(588, true);
}

/** struct gpio_v2_line_values { u64 bits @0; u64 mask @8 }: bit i is line `offsets[i]` of the request. */
export function encodeLineValues(bits: bigint, mask: bigint): Uint8Array {
  const b = new Uint8Array(SIZEOF_LINE_VALUES);
  const v = view(b);
  v.setBigUint64(0, bits, true);
  v.setBigUint64(8, mask, true);
  return b;
}

export function decodeLineValues(b: Uint8Array): bigint {
  return view(b).getBigUint64(0, true);
}

/**
 * struct gpio_v2_line_event { u64 timestamp_ns @0; u32 id @8; u32 offset @12; u32 seqno @16;
 * u32 line_seqno @20; u32 padding[6] @24 }
 */
export function decodeLineEvent(b: Uint8Array, at = 0) {
  const v = new DataView(b.buffer, b.byteOffset + at, SIZEOF_LINE_EVENT);
  return {
    timestampNs: v.getBigUint64(0, true),
    id: v.getUint32(8, true),
    offset: v.getUint32(12, true),
    seqno: v.getUint32(16, true),
    lineSeqno: v.getUint32(20, true),
  };
}
