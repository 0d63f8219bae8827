// src/server/update.ts, the app's half of an update from /admin: what it accepts (a dash-devices
// executable of this CPU within the size limit) and what it refuses, with the error saying what
// it found; a refused upload leaves nothing behind. The swap itself: test/appliance/install-update.test.ts.
import { beforeAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inspectBinary, readUpdateResult, stageUpdate, updatePaths } from "../../src/server/update.ts";
import { compiled } from "../helpers/binaries.ts";
import { useTempDir } from "../db/temp-db.ts";
import { thrown } from "../helpers/errors.ts";

const dir = useTempDir("dd-update-");
const arch = process.arch === "arm64" ? "arm64" : "x64";
const other = arch === "arm64" ? "x64" : "arm64";
let app = "";

beforeAll(() => {
  app = compiled("test/appliance/fixtures/crash-app.ts");
}, 120000);

test("a compiled dash-devices app of this CPU is accepted", () => {
  const info = inspectBinary(app);
  expect(info.arch).toBe(arch);
  expect(info.bytes).toBeGreaterThan(50_000_000);
});

test("refused, each saying what it found: another CPU, not an ELF, an ELF that is not a Bun app, too large", () => {
  const e1 = thrown(() => inspectBinary(app, { arch: other }));
  expect(e1.code).toBe("DD_BAD_UPDATE");
  expect(e1.detail.found).toBe(`${arch} (e_machine ${arch === "x64" ? 62 : 183})`);
  expect(e1.detail.fix).toBe(`upload dist/NAME-linux-${other} from \`bun run build -- --target ${other}\``);

  const script = join(dir, "script.sh");
  writeFileSync(script, "#!/bin/sh\necho not a binary, but long enough to have an ELF header's worth of bytes\n");
  const e2 = thrown(() => inspectBinary(script));
  expect(e2.code).toBe("DD_BAD_UPDATE");
  expect(e2.detail.found).toBe('starts with "#!/b"');

  const e3 = thrown(() => inspectBinary("/bin/sh")); // a real ELF of this CPU, not from bun build --compile
  expect(e3.detail.what).toBe("the new binary is not a dash-devices app.");

  const e4 = thrown(() => inspectBinary(app, { maxBytes: 1_000_000 }));
  expect(e4.code).toBe("DD_TOO_LARGE");
  expect(e4.detail.expected).toBe("at most 1000000 bytes");
});

test("stageUpdate: a good upload lands as update.bin (the updater's trigger); a bad one leaves nothing", async () => {
  const data = mkdtempSync(join(dir, "data-"));
  const paths = { staged: join(data, "update.bin"), result: join(data, "update.json") };
  const bad = join(dir, "bad");
  copyFileSync("/bin/sh", bad);
  await expect(stageUpdate(Bun.file(bad), { paths })).rejects.toThrow("[DD_BAD_UPDATE]");
  await expect(stageUpdate(Bun.file(app).stream(), { paths, maxBytes: 4_000_000 })).rejects.toThrow("[DD_TOO_LARGE]");
  expect(readdirSync(data)).toEqual([]);
  const r = await stageUpdate(Bun.file(app).stream(), { paths });
  expect(readdirSync(data)).toEqual(["update.bin"]);
  expect(r.bytes).toBe(Bun.file(app).size);
  expect(r.sha256).toBe(new Bun.CryptoHasher("sha256").update(readFileSync(app)).digest("hex"));
});

test("updatePaths comes from DD_UPDATE_FILE (set by the installer's unit); readUpdateResult reads the updater's outcome", () => {
  expect(updatePaths({})).toBeUndefined();
  expect(updatePaths({ DD_UPDATE_FILE: "relative/update.bin" })).toBeUndefined();
  const paths = updatePaths({ DD_UPDATE_FILE: join(dir, "update.bin") })!;
  expect(paths).toEqual({ staged: join(dir, "update.bin"), result: join(dir, "update.json") });
  expect(readUpdateResult(paths)).toBeUndefined();
  writeFileSync(paths.result, '{"ok":false,"rolledBack":true,"message":"rolled back","time":"2026-11-29T00:00:00Z","sha256":"ab"}\n');
  expect(readUpdateResult(paths)).toEqual({
    ok: false,
    rolledBack: true,
    message: "rolled back",
    time: "2026-11-29T00:00:00Z",
    sha256: "ab",
  });
  writeFileSync(paths.result, "not json");
  expect(readUpdateResult(paths)).toBeUndefined();
  expect(existsSync(paths.staged)).toBe(false);
});
