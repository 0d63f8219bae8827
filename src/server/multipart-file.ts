/**
 * @module multipart-file
 * The bytes of the one file of a `multipart/form-data` upload, as a stream: what a browser's
 * `<form enctype="multipart/form-data">` with a single file field sends. The envelope (the
 * boundary line and part headers before the file, the closing boundary after it) is checked and
 * stripped on the fly, holding back only the last few bytes, so a 100 MB executable passes through
 * without being held in memory (Request.formData() would buffer it whole). Anything else (another
 * field, a second part, no closing boundary) fails the stream with DD_BAD_UPDATE.
 */

import { DashDevicesError } from "../core/errors.ts";

const CRLFCRLF = Buffer.from("\r\n\r\n");
/** Part headers longer than this are not a browser's. */
const MAX_HEAD = 16 * 1024;

function bad(found: string): DashDevicesError {
  return new DashDevicesError("DD_BAD_UPDATE", {
    what: "the upload is not one file in a multipart form.",
    expected:
      'multipart/form-data with one file field named "binary" (the console\'s form), or the executable itself as application/octet-stream',
    found,
    fix: "use the Upload form of /admin, or: curl --data-binary @dist/APP-linux-ARCH -H 'content-type: application/octet-stream' ...",
  });
}

/** The boundary of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  if (!/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * The content of the part named `field` of a multipart body that holds only that part.
 * @example
 * const b = boundaryOf(req.headers.get("content-type") ?? "");
 * if (b) await stageUpdate(multipartFile(req.body!, b, "binary"));
 */
export function multipartFile(body: ReadableStream<Uint8Array>, boundary: string, field: string): ReadableStream<Uint8Array> {
  const opening = Buffer.from(`--${boundary}\r\n`);
  const closing = Buffer.from(`\r\n--${boundary}`);
  let head: Buffer | undefined = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let done = false;
  /** Passes file bytes on until the closing boundary; the last bytes that could start it wait. */
  const pass = (all: Buffer, ctl: TransformStreamDefaultController<Uint8Array>, last: boolean): void => {
    if (done) {
      if (all.toString("latin1").trim() !== "") ctl.error(bad("bytes after the closing boundary"));
      return;
    }
    const at = all.indexOf(closing);
    if (at >= 0 && all.length >= at + closing.length + 2) {
      if (all.toString("latin1", at + closing.length, at + closing.length + 2) !== "--")
        return ctl.error(bad("more parts after the file (only the file may be sent)"));
      if (at > 0) ctl.enqueue(all.subarray(0, at));
      done = true;
      tail = Buffer.from(all.subarray(at + closing.length + 2));
      return pass(tail, ctl, last);
    }
    if (last) return ctl.error(bad("no closing boundary (the upload was cut short?)"));
    const hold = at >= 0 ? all.length - at : Math.min(all.length, closing.length + 1);
    if (all.length > hold) ctl.enqueue(all.subarray(0, all.length - hold));
    tail = Buffer.from(all.subarray(all.length - hold));
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (head) {
          head = Buffer.concat([head, data]);
          const end = head.indexOf(CRLFCRLF);
          if (end < 0) {
            if (head.length > MAX_HEAD) ctl.error(bad(`no end of the part headers in the first ${MAX_HEAD} bytes`));
            return;
          }
          if (!head.subarray(0, opening.length).equals(opening)) return ctl.error(bad("a body that does not start with its boundary"));
          const headers = head.toString("latin1", opening.length, end);
          const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/i.exec(headers)?.[1];
          if (name !== field || !/\bfilename="/i.test(headers))
            return ctl.error(
              bad(name === undefined ? "a part without a name" : `the field "${name}"${name === field ? " without a file" : ""}`),
            );
          data = head.subarray(end + CRLFCRLF.length);
          head = undefined;
        }
        pass(tail.length ? Buffer.concat([tail, data]) : data, ctl, false);
      },
      flush(ctl) {
        if (head) return ctl.error(bad("a body that ends inside the part headers"));
        pass(tail, ctl, true);
      },
    }),
  );
}
