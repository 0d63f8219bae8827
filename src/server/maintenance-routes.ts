/**
 * @module maintenance-routes
 * The two HTTP routes behind the console's Maintenance section:
 *
 * - `GET /admin/backup?token=T` downloads a consistent copy of the database taken at that moment
 *   (src/db/backup.ts, `VACUUM INTO` while the app keeps writing) as
 *   `NAME-YYYYMMDD-HHMMSS.sqlite`. The console talks over its WebSocket, so its "Back up" button
 *   asks the server for a one-time link (`BackupLinks.issue`): the token is bound to that admin's
 *   session, works once, and expires after two minutes. The request must also come from this
 *   site (Origin or Referer, as a link click sends) and carry a live admin session.
 * - `POST /admin/update` takes a new executable as the request body (`application/octet-stream`,
 *   as `curl --data-binary @app` sends it, or the one file of the console's multipart form,
 *   unwrapped on the fly by ./multipart-file.ts), streamed to disk, cut at the size limit, checked to be an ELF of this CPU from `bun build --compile`, and staged for the
 *   device's updater (src/server/update.ts: the swap, restart, health check and rollback are
 *   root's). Admins only, same origin only.
 *
 * Both are written to the audit log (`admin.backup`, `admin.update`).
 */

import type { Elysia } from "elysia";
import { closeSync, openSync, readSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Logger } from "../core/log.ts";
import { DashDevicesError, formatError } from "../core/errors.ts";
import type { Db } from "../db/open.ts";
import { audit, type AuditActor } from "../db/audit.ts";
import { backupDatabaseInWorker } from "../db/backup.ts";
import type { Access } from "./access.ts";
import type { Edge } from "./hosts.ts";
import type { Identity } from "./serve.ts";
import { boundaryOf, multipartFile } from "./multipart-file.ts";

/** Routes added to the server before the mounts (serve.ts ServeOptions.routes). */
export type Routes = (app: Elysia, edge: Edge) => unknown;

export const BACKUP_PATH = "/admin/backup";
export const UPDATE_PATH = "/admin/update";
/** How long a backup link works after the button was pressed. */
export const BACKUP_LINK_MS = 120_000;

interface Grant {
  sessionId: string;
  expires: number;
}

/** One-time download links of backups, each bound to the admin session that asked for it. */
export class BackupLinks {
  private readonly grants = new Map<string, Grant>();

  /** A new link for this session: `/admin/backup?token=...`. */
  issue(sessionId: string, now = Date.now()): string {
    for (const [t, g] of this.grants) if (g.expires <= now) this.grants.delete(t);
    const token = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
    this.grants.set(token, { sessionId, expires: now + BACKUP_LINK_MS });
    return `${BACKUP_PATH}?token=${token}`;
  }

  /** Uses up the token: true when it was issued to this session and has not expired. */
  take(token: string | null, sessionId: string | undefined, now = Date.now()): boolean {
    if (!token) return false;
    const g = this.grants.get(token);
    if (!g) return false;
    this.grants.delete(token);
    return !!sessionId && g.sessionId === sessionId && g.expires > now;
  }
}

export interface MaintenanceRouteOptions {
  access: Access;
  db: Db;
  /** The database file (backups are written beside it first: same disk, same 0700 directory). */
  dbPath: string;
  /** The start of the backup's file name: the app's name. */
  name: string;
  links: BackupLinks;
  log: Logger;
  /** Stages an uploaded executable for the updater (src/server/update.ts stageUpdate). */
  stageUpdate?: (body: ReadableStream<Uint8Array>) => Promise<{ bytes: number; sha256: string }>;
  /** New audit entries were written (the console redraws its log). */
  audited(): void;
}

const text = (status: number, body: string, extra: Record<string, string> = {}) =>
  new Response(`${body}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra } });

/** The outcome of the console's upload form, with the way back. */
function resultPage(status: number, message: string, extra: Record<string, string>): Response {
  const esc = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const title = status < 300 ? "Update staged" : "Update refused";
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="/_dd/dash-devices.css"></head><body><main class="dd-auth"><h1>${title}</h1><pre class="dd-update-result">${esc(message)}</pre><p><a href="/admin/#maintenance">Back to the console</a></p></main></body></html>`;
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...extra } });
}

/** `gadget-20261129-214500.sqlite` (server time). */
export function backupFileName(name: string, d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "dash-devices";
  return `${slug}-${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.sqlite`;
}

function actorOf(who: Identity, ip: string): AuditActor {
  return { userId: who.user?.id ?? null, username: who.user?.username ?? null, sessionId: who.sessionId ?? null, ip };
}

/** A stream of an open file that closes it at the end (or when the download is abandoned). */
function fileStream(fd: number): ReadableStream<Uint8Array> {
  let pos = 0;
  let closed = false;
  const close = () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const buf = new Uint8Array(256 * 1024);
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) {
        close();
        controller.close();
        return;
      }
      pos += n;
      controller.enqueue(n === buf.length ? buf : buf.subarray(0, n));
    },
    cancel: close,
  });
}

/** Adds GET /admin/backup and POST /admin/update (see the module's header). */
export function maintenanceRoutes(o: MaintenanceRouteOptions): Routes {
  return (app, edge) => {
    app.get(BACKUP_PATH, async ({ request, server }) => {
      if (!edge.sameOrigin(request)) return text(403, "Cross-origin request refused");
      const who = o.access.adminGate(request, "post");
      if (who instanceof Response) return who;
      const url = new URL(request.url);
      if (!o.links.take(url.searchParams.get("token"), who.sessionId)) {
        return text(
          403,
          formatError("DD_NOT_AUTHORIZED", {
            what: "this backup link does not work (any more).",
            expected: `a link from the Back up button of /admin, used once within ${BACKUP_LINK_MS / 1000} s, in the same session`,
            found: "a used, expired or unknown link",
            fix: "press Back up in /admin again",
          }),
        );
      }
      const when = new Date();
      const file = backupFileName(o.name, when);
      const tmp = join(dirname(o.dbPath), `.backup-${process.pid}-${Date.now()}.sqlite`);
      let fd: number;
      let bytes: number;
      let ms: number;
      try {
        ({ bytes, ms } = await backupDatabaseInWorker(o.dbPath, tmp)); // the server keeps serving meanwhile
        fd = openSync(tmp, "r");
      } catch (e) {
        o.log.error("backup.failed", { error: e as Error });
        return text(500, e instanceof DashDevicesError ? e.message : "The backup failed; the details are in the server's log.");
      } finally {
        rmSync(tmp, { force: true }); // the open descriptor keeps the data until the download ends
      }
      audit(o.db, {
        action: "admin.backup",
        actor: actorOf(who, edge.ip(request, server)),
        target: file,
        detail: { bytes, ms: Math.round(ms), via: "admin" },
      });
      o.log.info("backup.download", { file, bytes, ms: Math.round(ms), user: who.user?.username });
      o.audited();
      return new Response(fileStream(fd), {
        headers: {
          "content-type": "application/vnd.sqlite3",
          "content-disposition": `attachment; filename="${file}"`,
          "cache-control": "no-store",
        },
      });
    });

    app.post(
      UPDATE_PATH,
      async ({ request, server }) => {
        // The console's form wants a page to land on; curl wants one line.
        const page = /\btext\/html\b/.test(request.headers.get("accept") ?? "");
        const answer = (status: number, body: string, extra: Record<string, string> = {}) =>
          page ? resultPage(status, body, extra) : text(status, body, extra);
        if (!edge.sameOrigin(request)) return text(403, "Cross-origin request refused");
        const who = o.access.adminGate(request, "post");
        if (who instanceof Response) return who;
        const actor = actorOf(who, edge.ip(request, server));
        if (!o.stageUpdate) {
          return answer(
            409,
            formatError("DD_BAD_UPDATE", {
              what: "this app cannot update itself from /admin.",
              expected: "an app installed with scripts/install-device.sh (its updater)",
              found: "no updater configured (DD_UPDATE_FILE is not set)",
              fix: "install it with scripts/install-device.sh, or copy the new binary by hand",
            }),
          );
        }
        if (!request.body)
          return answer(
            400,
            formatError("DD_BAD_UPDATE", {
              what: "the upload is empty.",
              expected: "the new executable as the request body",
              found: "no body",
              fix: "curl --data-binary @dist/NAME-linux-ARCH -H 'content-type: application/octet-stream' ...",
            }),
          );
        try {
          const boundary = boundaryOf(request.headers.get("content-type") ?? "");
          const r = await o.stageUpdate(boundary ? multipartFile(request.body, boundary, "binary") : request.body);
          audit(o.db, { action: "admin.update", actor, target: "staged", detail: { bytes: r.bytes, sha256: r.sha256 } });
          o.log.info("update.staged", { bytes: r.bytes, sha256: r.sha256, user: who.user?.username });
          o.audited();
          return answer(
            202,
            `The new executable is staged (${r.bytes} bytes, sha256 ${r.sha256}). The updater swaps it, restarts the app, and puts the old one back if the new one fails its health check; the console shows the outcome under Maintenance once the app is back.`,
          );
        } catch (e) {
          if (!(e instanceof DashDevicesError)) throw e;
          audit(o.db, { action: "admin.update.refused", actor, target: "upload", detail: { code: e.code, found: e.detail.found ?? null } });
          o.audited();
          return answer(e.code === "DD_TOO_LARGE" ? 413 : 422, e.message, e.code === "DD_TOO_LARGE" ? { connection: "close" } : {});
        }
      },
      { parse: "none" },
    );
  };
}
