/**
 * @module update
 * The app's half of an update from /admin: check that an uploaded file is a dash-devices
 * executable for this device (an ELF of this CPU with Bun's `.bun` section, within a size limit)
 * and stage it where the device's updater picks it up. The swap itself (NAME.new, fsync, rename,
 * NAME.prev kept, restart, health check, rollback) is done by root, not by the service: the
 * service runs with a read-only /opt and no privileges, so it can neither replace its binary nor
 * restart itself. `scripts/install-device.sh` installs a path unit that watches the staged file
 * and runs `install-device.sh --apply-staged NAME`, the same code as an update from the console;
 * that writes the outcome to `update.json` beside the staged file, which the app (old or new)
 * reads with `readUpdateResult()`.
 *
 * The installer passes the staged file's path to the service as `DD_UPDATE_FILE`
 * (`/var/lib/dash-devices/NAME/update.bin`); without it (a binary run by hand, `bun run`) there
 * is no updater and `updatePaths()` is undefined.
 *
 * @example
 * const paths = updatePaths();                       // undefined: not installed with the updater
 * if (paths) {
 *   const staged = await stageUpdate(request.body!, { paths });   // throws DD_BAD_UPDATE / DD_TOO_LARGE
 *   log.info("update.staged", { bytes: staged.bytes, sha256: staged.sha256 });
 * }
 * // later, in the new process (or the old one after a rollback):
 * const last = readUpdateResult(paths);              // { ok, rolledBack, message, time, ... }
 */

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync, fstatSync, readSync } from "node:fs";
import { dirname } from "node:path";
import { DashDevicesError } from "../core/errors.ts";

export type Arch = "x64" | "arm64";

/** Where the app stages an upload and where the updater writes its outcome. */
export interface UpdatePaths {
  /** The staged binary (`DATA_DIR/update.bin`); its appearance starts the updater. */
  staged: string;
  /** The updater's outcome, one JSON object (`DATA_DIR/update.json`). */
  result: string;
}

/** What the updater wrote after its last run. */
export interface UpdateResult {
  /** The new binary passed its health check and serves. */
  ok: boolean;
  /** It failed and the previous binary was put back (and serves, when `ok` of the rollback). */
  rolledBack: boolean;
  /** One line for a person: what happened. */
  message: string;
  /** ISO time the updater finished. */
  time: string;
  /** SHA-256 of the binary that was tried. */
  sha256?: string;
}

export interface BinaryInfo {
  arch: Arch;
  bytes: number;
}

/** Largest binary accepted (a dash-devices app is about 110 MB). */
export const MAX_UPDATE_BYTES = 256 * 1024 * 1024;

const EM: Record<Arch, number> = { x64: 62, arm64: 183 };

/** The updater's files for this process, from `DD_UPDATE_FILE` (set by the installer's unit). */
export function updatePaths(env: Record<string, string | undefined> = process.env): UpdatePaths | undefined {
  const staged = env.DD_UPDATE_FILE;
  if (!staged?.startsWith("/")) return undefined;
  return { staged, result: `${dirname(staged)}/update.json` };
}

function bad(what: string, expected: string, found: string, fix: string): DashDevicesError {
  return new DashDevicesError("DD_BAD_UPDATE", { what, expected, found, fix });
}

function hostArch(): Arch {
  return process.arch === "arm64" ? "arm64" : "x64";
}

/**
 * Checks a file on disk: a 64-bit little-endian ELF executable of `arch` (default: this
 * process's), at most `maxBytes`, with the `.bun` section of a `bun build --compile` executable.
 * Throws DD_BAD_UPDATE (or DD_TOO_LARGE) saying what it found.
 */
export function inspectBinary(path: string, options: { arch?: Arch; maxBytes?: number } = {}): BinaryInfo {
  const arch = options.arch ?? hostArch();
  const max = options.maxBytes ?? MAX_UPDATE_BYTES;
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size > max)
      throw new DashDevicesError("DD_TOO_LARGE", {
        what: "the new binary is too large.",
        expected: `at most ${max} bytes`,
        found: `${size} bytes`,
        fix: "upload the executable from `bun run build` (about 110 MB)",
      });
    const h = Buffer.alloc(64);
    const n = readSync(fd, h, 0, 64, 0);
    const fix = `upload dist/NAME-linux-${arch} from \`bun run build -- --target ${arch}\``;
    if (n < 64 || h.readUInt32BE(0) !== 0x7f454c46)
      throw bad(
        "the new binary is not an executable.",
        "an ELF file (\\x7fELF)",
        n < 4 ? `${n} bytes` : `starts with ${JSON.stringify(h.subarray(0, 4).toString("latin1"))}`,
        fix,
      );
    if (h[4] !== 2 || h[5] !== 1)
      throw bad(
        "the new binary is not a 64-bit little-endian executable.",
        "ELFCLASS64, little-endian",
        `class ${h[4]}, data ${h[5]}`,
        fix,
      );
    const machine = h.readUInt16LE(18);
    if (machine !== EM[arch]) {
      const other = (Object.keys(EM) as Arch[]).find((a) => EM[a] === machine);
      throw bad(
        `the new binary is for another CPU.`,
        `${arch} (e_machine ${EM[arch]})`,
        other ? `${other} (e_machine ${machine})` : `e_machine ${machine}`,
        fix,
      );
    }
    const type = h.readUInt16LE(16);
    if (type !== 2 && type !== 3) throw bad("the new binary is not an executable.", "ELF type EXEC or DYN", `type ${type}`, fix);
    // Section headers: find ".bun" (where `bun build --compile` puts the app).
    const shoff = Number(h.readBigUInt64LE(0x28));
    const shentsize = h.readUInt16LE(0x3a);
    const shnum = h.readUInt16LE(0x3c);
    const shstrndx = h.readUInt16LE(0x3e);
    let bun = false;
    if (shoff > 0 && shentsize >= 64 && shnum > 0 && shnum < 4096 && shstrndx < shnum && shoff + shnum * shentsize <= size) {
      const sh = Buffer.alloc(shnum * shentsize);
      readSync(fd, sh, 0, sh.length, shoff);
      const strOff = Number(sh.readBigUInt64LE(shstrndx * shentsize + 0x18));
      const strSize = Number(sh.readBigUInt64LE(shstrndx * shentsize + 0x20));
      if (strOff + strSize <= size && strSize < 1 << 20) {
        const names = Buffer.alloc(strSize);
        readSync(fd, names, 0, strSize, strOff);
        for (let i = 0; i < shnum && !bun; i++) {
          const at = sh.readUInt32LE(i * shentsize);
          if (at < strSize) bun = names.toString("latin1", at, names.indexOf(0, at)) === ".bun";
        }
      }
    }
    if (!bun)
      throw bad(
        "the new binary is not a dash-devices app.",
        "an executable from `bun build --compile` (a .bun section)",
        "an ELF without a .bun section",
        fix,
      );
    return { arch, bytes: size };
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes an upload to `paths.staged` for the updater: streamed to `staged.part` and cut at
 * `maxBytes` (DD_TOO_LARGE), checked with `inspectBinary`, fsynced, then renamed into place (the
 * rename is what the updater's path unit sees). A bad upload leaves nothing behind.
 */
export async function stageUpdate(
  body: ReadableStream<Uint8Array> | Blob | Uint8Array,
  options: { paths?: UpdatePaths; arch?: Arch; maxBytes?: number } = {},
): Promise<{ path: string; bytes: number; sha256: string }> {
  const paths = options.paths ?? updatePaths();
  if (!paths)
    throw bad(
      "this app was not installed with an updater.",
      "DD_UPDATE_FILE set by scripts/install-device.sh",
      "no DD_UPDATE_FILE",
      "install it with scripts/install-device.sh, or update from the console: sudo ./install-device.sh NEW-BINARY",
    );
  const max = options.maxBytes ?? MAX_UPDATE_BYTES;
  const part = `${paths.staged}.part`;
  const hash = new Bun.CryptoHasher("sha256");
  // 0644: root's updater reads it; nothing secret is in a binary the owner uploads.
  const fd = openSync(part, "w", 0o644);
  let open = true;
  let bytes = 0;
  try {
    const stream: AsyncIterable<Uint8Array> | Uint8Array[] =
      body instanceof Uint8Array ? [body] : body instanceof Blob ? body.stream() : body;
    for await (const chunk of stream) {
      bytes += chunk.byteLength;
      if (bytes > max)
        throw new DashDevicesError("DD_TOO_LARGE", {
          what: "the new binary is too large.",
          expected: `at most ${max} bytes`,
          found: `more than ${max} bytes`,
          fix: "upload the executable from `bun run build` (about 110 MB)",
        });
      hash.update(chunk);
      for (let off = 0; off < chunk.byteLength; ) off += writeSync(fd, chunk, off);
    }
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    inspectBinary(part, { arch: options.arch, maxBytes: max });
    renameSync(part, paths.staged);
  } catch (e) {
    if (open) closeSync(fd);
    rmSync(part, { force: true });
    throw e;
  }
  return { path: paths.staged, bytes, sha256: hash.digest("hex") };
}

/** The updater's last outcome, or undefined when it never ran (or the file is unreadable). */
export function readUpdateResult(paths: UpdatePaths | undefined = updatePaths()): UpdateResult | undefined {
  if (!paths || !existsSync(paths.result)) return undefined;
  try {
    const r = JSON.parse(readFileSync(paths.result, "utf8")) as UpdateResult;
    return typeof r.ok === "boolean" && typeof r.message === "string" ? r : undefined;
  } catch {
    return undefined;
  }
}
