/**
 * @module message
 * Validates one browser -> server WebSocket message at the edge. htmx 4's hx-ws sends
 * `{ ...formValues, headers: { "HX-Source": "input#slider", ... } }`; our glue adds `DD-Seq`.
 * Anything else is refused with an error that says what was expected and what came.
 */

import { DashDevicesError, describe } from "./errors.ts";
import { HEADER } from "./wire.ts";

export type Parsed = { id: string; values: Record<string, unknown>; seq: number } | { error: DashDevicesError; seq: number };

const SOURCE_RE = /^[a-z][a-z0-9-]*#(.+)$/;

function bad(what: string, expected: string, found: unknown, seq = 0): Parsed {
  return {
    error: new DashDevicesError("DD_BAD_MESSAGE", {
      what,
      expected,
      found: describe(found),
      fix: "send what htmx's hx-ws:send sends; reload the page if it is stale",
    }),
    seq,
  };
}

export function parseMessage(raw: unknown, maxBytes: number): Parsed {
  if (typeof raw !== "string") {
    const size = (raw as { byteLength?: number })?.byteLength ?? 0;
    return bad("a binary WebSocket message was received.", "a JSON text message", `${size} bytes of binary data`);
  }
  // A JS string's length is at most its UTF-8 byte length, so this check is cheap and safe.
  if (raw.length > maxBytes || (raw.length * 3 > maxBytes && Buffer.byteLength(raw) > maxBytes)) {
    return {
      error: new DashDevicesError("DD_TOO_LARGE", {
        what: "a message was larger than the server accepts.",
        expected: `at most ${maxBytes} bytes`,
        found: `${Buffer.byteLength(raw)} bytes`,
        fix: "send smaller values (large data belongs in a file upload, not a control)",
      }),
      seq: 0,
    };
  }
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return bad("a message was not valid JSON.", "a JSON object", raw);
  }
  if (!msg || typeof msg !== "object" || Array.isArray(msg)) return bad("a message was not a JSON object.", "a JSON object", msg);
  // The values are the message itself (controls read their own name; "headers" is no control's id):
  // no copy per message.
  const values = msg as Record<string, unknown>;
  const headers = values.headers;
  if (!headers || typeof headers !== "object" || Array.isArray(headers))
    return bad("a message had no headers object.", `{ ..., "headers": { "${HEADER.source}": "tag#id" } }`, msg);
  const h = headers as Record<string, unknown>;
  const rawSeq = h[HEADER.seq];
  const seq = typeof rawSeq === "number" || typeof rawSeq === "string" ? Number(rawSeq) : 0;
  const okSeq = Number.isSafeInteger(seq) && seq > 0 ? seq : 0;
  const source = h[HEADER.source];
  const m = typeof source === "string" ? SOURCE_RE.exec(source) : null;
  if (!m)
    return bad(`a message had no usable ${HEADER.source} header.`, `"${HEADER.source}": "tag#id" (the element that sent)`, source, okSeq);
  let id: string;
  try {
    id = decodeURI(m[1]!);
  } catch {
    return bad(`a message's ${HEADER.source} header was not a valid id.`, "a URI-encoded element id", source, okSeq);
  }
  return { id, values, seq: okSeq };
}
