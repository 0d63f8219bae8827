// The file of a one-file multipart upload, streamed: the bytes come out exactly whatever the
// chunking (a boundary split across chunks, a file that contains "--"), and an envelope a
// browser's one-field form would not send is refused.
import { expect, test } from "bun:test";
import { boundaryOf, multipartFile } from "../../src/server/multipart-file.ts";
import { DashDevicesError } from "../../src/core/errors.ts";

const B = "----formdata-bun-0123456789";

function body(parts: { name: string; filename?: string; data: Uint8Array }[], end = `--${B}--\r\n`): Uint8Array {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${B}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
    );
    chunks.push(Buffer.from(p.data), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(end));
  return Buffer.concat(chunks);
}

function streamOf(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function read(bytes: Uint8Array, size: number): Promise<Uint8Array> {
  return new Uint8Array(await new Response(multipartFile(streamOf(bytes, size), B, "binary")).arrayBuffer());
}

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await read(bytes, 5);
  } catch (e) {
    expect(e).toBeInstanceOf(DashDevicesError);
    return (e as DashDevicesError).detail.found ?? "";
  }
  throw new Error("accepted");
}

test("the file's bytes come out unchanged, whatever the chunk sizes", async () => {
  // Contents that look like the envelope: CRLFs, dashes, a partial boundary.
  const file = Buffer.concat([
    Buffer.from("\x7fELF\r\n--\r\n--" + B.slice(0, 10) + "\r\n\r\n"),
    Buffer.from(crypto.getRandomValues(new Uint8Array(3000))),
    Buffer.from("\r\n-"),
  ]);
  const whole = body([{ name: "binary", filename: "app", data: file }]);
  for (const size of [1, 2, 3, 7, 16, 61, 64, 1000, whole.length]) expect(Buffer.from(await read(whole, size)).equals(file)).toBe(true);
  // without the final CRLF, and an empty file
  expect(Buffer.from(await read(body([{ name: "binary", filename: "app", data: file }], `--${B}--`), 13)).equals(file)).toBe(true);
  expect((await read(body([{ name: "binary", filename: "app", data: new Uint8Array(0) }]), 4)).length).toBe(0);
});

test("another field, a second part, a missing or foreign boundary are refused", async () => {
  const data = new TextEncoder().encode("0123456789");
  expect(await refusal(body([{ name: "other", filename: "x", data }]))).toContain('the field "other"');
  expect(await refusal(body([{ name: "binary", data }]))).toContain("without a file");
  expect(
    await refusal(
      body([
        { name: "binary", filename: "a", data },
        { name: "note", data },
      ]),
    ),
  ).toContain("more parts");
  expect(await refusal(body([{ name: "binary", filename: "a", data }], ""))).toContain("no closing boundary");
  expect(await refusal(new TextEncoder().encode("just some bytes\r\n\r\nmore"))).toContain("does not start with its boundary");
  expect(await refusal(body([{ name: "binary", filename: "a", data }], `--${B}--\r\nextra`))).toContain("after the closing boundary");
});

test("the boundary is read from the Content-Type of a form only", () => {
  expect(boundaryOf(`multipart/form-data; boundary=${B}`)).toBe(B);
  expect(boundaryOf(`multipart/form-data; boundary="${B}"`)).toBe(B);
  expect(boundaryOf("application/octet-stream")).toBeUndefined();
  expect(boundaryOf("multipart/form-data")).toBeUndefined();
});
