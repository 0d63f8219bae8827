/**
 * @module appliance
 * Everything around the user's app that makes it an appliance on a shared network: the SQLite
 * database (users, sessions, audit log), the access rules, the login/setup pages, the audit of
 * connections and shared changes, the admin console mounted at /admin, and round-trip pings while it is open.
 * `App.run()` calls `startAppliance`; with `database: false` the app is served alone (tests, or
 * a device that needs no accounts).
 */

import type { AppSurface } from "../app-surface.ts";
import type { Client } from "../core/client.ts";
import type { Runtime } from "../core/runtime.ts";
import { openDatabase, databasePathIn, defaultDatabasePath, type DatabaseHandle } from "../db/open.ts";
import type { AuditEntry } from "../db/audit.ts";
import { ensureSetup } from "../auth/setup.ts";
import { Access, type AccessMode } from "./access.ts";
import { authPages } from "./auth-pages.ts";
import { serve, type Gate, type Mount, type RunningServer } from "./serve.ts";
import type { TransportName } from "../transports/index.ts";
import type { ListenConfig } from "./config.ts";
import type { ConsoleHandle } from "../admin/console.ts";
import { REDRAW_MS } from "../admin/redraw.ts";
import { AuditBuffer } from "./audit-buffer.ts";
import { startSessionSweep } from "./session-sweep.ts";
import { auditRetention, startAuditRetention } from "../db/audit-retention.ts";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { DashDevicesError } from "../core/errors.ts";
// TLS and mDNS are loaded only when asked for (node:crypto, x509, multicast-dns: ~4 ms of a start).
import type { TlsMaterial, TlsSetting } from "./tls.ts";
import { startRedirect } from "./redirect.ts";
import type { MdnsResponder } from "./mdns.ts";
import { deviceName } from "./addresses.ts";
import { BACKUP_LINK_MS, BackupLinks, maintenanceRoutes, type Routes } from "./maintenance-routes.ts";
import { readUpdateResult, stageUpdate, updatePaths } from "./update.ts";
import { appInfo } from "../cli/app-info.ts";
import { mark } from "./startup-trace.ts";

export interface ApplianceOptions {
  access: AccessMode;
  /** false: no database, no accounts, no /admin. */
  database: boolean;
  /** Directory of the database file (default: data/ beside the executable, or ./data). */
  dataDir?: string;
  serverService: TransportName;
  title: string;
  /** Audit entries older than this many days are deleted, at start and daily (default 90; 0: no limit). */
  auditMaxAgeDays?: number;
  /** At most this many (the newest) audit entries are kept (default 200,000; 0: no limit). */
  auditMaxRows?: number;
  /** Serve https: `{ selfSigned: true }` or PEM files (./tls.ts). */
  tls?: TlsSetting;
  /** With TLS: this port answers http:// with a 308 to https:// (./redirect.ts). */
  httpRedirect?: number;
  /** Answer NAME.local and advertise the service by mDNS (./mdns.ts). */
  mdns?: boolean;
  /** The mDNS name (default: the host name). */
  mdnsName?: string;
}

/** Avahi's socket: when it exists, Avahi answers HOSTNAME.local on this machine. */
const AVAHI_SOCKET = "/run/avahi-daemon/socket";

export interface Appliance {
  server: RunningServer;
  /** The certificate served, with TLS. */
  tls: TlsMaterial | undefined;
  /** The http:// port that redirects to https (--http-redirect). */
  redirectPort: number | undefined;
  db: DatabaseHandle | undefined;
  admin: AppSurface | undefined;
  stop(): Promise<void>;
}

/** Shared-value changes are audited at most this often per tab and control (a drag is one entry). */
const VALUE_AUDIT_MS = 2000;

/**
 * @internal intervals of the appliance's background work, read at start (tests shorten them): the
 * sweep that closes tabs whose session ended elsewhere, the batching of the audit log's connect,
 * disconnect and value rows, the shortest time between two redraws of /admin, and the period of
 * the round-trip pings while a console tab is open.
 */
export const applianceTimings = {
  sessionSweepMs: 20_000,
  auditFlushMs: 250,
  auditBatchRows: 100,
  consoleRedrawMs: REDRAW_MS,
  pingMs: 5000,
};

export async function startAppliance(
  app: AppSurface,
  where: ListenConfig,
  o: ApplianceOptions,
  makeApp: (title: string) => AppSurface,
): Promise<Appliance> {
  const rt = app.runtime;
  const log = rt.log;
  const mounts: Mount[] = [{ prefix: "", runtime: rt, title: o.title, serverService: o.serverService }];
  const stops: (() => void)[] = [];
  let db: DatabaseHandle | undefined;
  let admin: AppSurface | undefined;
  let setupToken: string | undefined;
  let auditBuffer: AuditBuffer | undefined;
  let maintenance: Routes | undefined;
  let access: Access | undefined;
  let consoleHandle: ConsoleHandle | undefined;

  const runtimes = (): Runtime[] => mounts.map((m) => m.runtime);
  const closeSession = (sessionId: string, reason: string) => {
    for (const r of runtimes()) for (const c of r.clients) if (c.sessionId === sessionId) c.transport.close(4001, reason);
  };

  // TLS before anything is opened: a bad certificate stops the start with its fix.
  const dataDir = o.dataDir ?? dirname(defaultDatabasePath());
  const tls = o.tls ? (await import("./tls.ts")).resolveTls(o.tls, { dataDir, interfaces: where.interfaces, log }) : undefined;
  const mdnsName = o.mdnsName ?? deviceName();
  const edge = o.mdnsName ? { ...where.edge, allowedHosts: [...(where.edge?.allowedHosts ?? []), `${o.mdnsName}.local`] } : where.edge;

  if (o.database) {
    const retention = auditRetention(o); // a bad value fails before anything is opened
    db = openDatabase({ path: o.dataDir ? databasePathIn(o.dataDir) : defaultDatabasePath() });
    mark("database");
    stops.push(startAuditRetention(db.db, retention, { log }));
    access = new Access(db.db, o.access);
    mounts[0]!.gate = access.appGate;
    guardInputs(rt, access, o.access);
    auditBuffer = new AuditBuffer(db.db, log, {
      flushMs: applianceTimings.auditFlushMs,
      maxRows: applianceTimings.auditBatchRows,
      onWritten: () => consoleHandle?.auditChanged(),
    });
    auditClients(rt, auditBuffer, "app");

    // Backups (a one-time link per click) and updates (staged for the installer's updater).
    const links = new BackupLinks();
    const updates = updatePaths();
    const dbPath = db.path;
    maintenance = maintenanceRoutes({
      access,
      db: db.db,
      dbPath,
      name: appInfo()?.name ?? o.title,
      links,
      log,
      stageUpdate: updates ? (body) => stageUpdate(body, { paths: updates }) : undefined,
      audited: () => consoleHandle?.auditChanged(),
    });
    const lastUpdate = () => {
      const r = readUpdateResult(updates);
      return r && `${r.time}: ${r.message}`;
    };

    // The console is an app mounted at /admin, built when an admin first opens it, not at start:
    // rendering its layout (the users and the audit log's first page, with their dates) was a third
    // of the app's start-up, loading its modules ~2.5 ms (a synchronous require, inside the gate).
    const adminApp = (admin = makeApp(`${o.title} · admin`));
    const consoleDb = db.db;
    app.mount("/admin", adminApp, {
      gate: access.adminGate,
      build: () => {
        const { buildAdminConsole } = require("../admin/console.ts") as typeof import("../admin/console.ts");
        consoleHandle = buildAdminConsole(adminApp, {
          app,
          db: consoleDb,
          log,
          closeSession,
          disconnect: (c, why) => c.transport.close(4001, why),
          notify: (text, c) => rt.notify(text, c),
          redrawMs: applianceTimings.consoleRedrawMs,
          maintenance: {
            dbPath,
            backupLink: (sessionId) => links.issue(sessionId),
            linkSeconds: BACKUP_LINK_MS / 1000,
            updates: !!updates,
            lastUpdate,
          },
          tls: tls && { fingerprint: tls.fingerprint, source: tls.source },
        });
        stops.push(consoleHandle.stop);
      },
    });
    stops.push(pingWhileWatched(adminApp.runtime, runtimes, applianceTimings.pingMs));
    stops.push(
      startSessionSweep(
        db.db,
        () => mounts.map((m) => ({ clients: m.runtime.clients, adminOnly: m.runtime === adminApp.runtime })),
        log,
        applianceTimings.sessionSweepMs,
      ),
    );

    const setup = ensureSetup(db.db);
    if (setup.needed) setupToken = setup.token;
    log.info("database.open", { path: db.path, migrated: db.migrated || undefined, access: o.access });
  }

  // The apps mounted in this one (the console, or a user's): served each under its prefix, behind
  // its own gate or the app's access rules; the first request its gate lets through opens it.
  for (const m of app.mounts) {
    const sub = m.app.runtime;
    const gate = m.gate ?? access?.appGate;
    if (!m.gate && access) {
      guardInputs(sub, access, o.access);
      if (auditBuffer) auditClients(sub, auditBuffer, m.prefix);
    }
    const opening: Gate = (req, kind) => {
      const who = gate ? gate(req, kind) : {};
      if (!(who instanceof Response)) m.open();
      return who;
    };
    mounts.push({ prefix: m.prefix, runtime: sub, title: m.app.title, serverService: m.app.serverService, gate: opening });
  }

  mark("appliance");
  const server = await serve(mounts, {
    host: where.host,
    port: where.port,
    edge,
    log,
    tls: tls && { cert: tls.cert, key: tls.key },
    mdnsName: o.mdns ? mdnsName : undefined,
    interfaces: where.interfaces,
    routes: db ? routesOf(authPages({ access: new Access(db.db, o.access), title: o.title, log, closeSession }), maintenance) : undefined,
  });
  mark("listen");

  let redirect: ReturnType<typeof startRedirect> | undefined;
  if (tls && o.httpRedirect !== undefined) {
    try {
      redirect = startRedirect({ host: where.host, port: o.httpRedirect, tlsPort: server.port, edge, log });
    } catch (e) {
      await server.stop();
      for (const s of stops) s();
      db?.close();
      throw new DashDevicesError("DD_BAD_OPTION", {
        what: `--http-redirect ${o.httpRedirect}: that port on ${where.host} cannot be opened.`,
        found: String((e as Error).message ?? e),
        fix: "stop the other program or pick another port for --http-redirect (not the --port)",
      });
    }
    log.info("http.redirect", { port: redirect.port, to: `https port ${server.port}` });
  }
  let mdns: MdnsResponder | undefined;
  if (o.mdns) {
    // Avahi (Raspberry Pi OS) already answers the host name: a second answer would look like a conflict to it.
    const avahi = existsSync(AVAHI_SOCKET) && mdnsName === deviceName();
    if (avahi)
      log.info("mdns.avahi", { host: `${mdnsName}.local`, note: "avahi-daemon answers the host name; only the service records are ours" });
    mdns = (await import("./mdns.ts")).startMdns({
      name: mdnsName,
      port: server.port,
      scheme: tls ? "https" : "http",
      instance: o.title,
      log,
      answerHost: !avahi,
      interfaces: where.interfaces,
    });
  }

  if (setupToken) {
    // The one time a secret is printed: the owner needs this link to create the first admin.
    log.warn("setup.needed", {
      message: "no admin exists yet: open this link once to create one",
      url: `${server.url}/setup?token=${setupToken}`,
    });
  }

  return {
    server,
    tls,
    redirectPort: redirect?.port,
    db,
    admin,
    async stop() {
      for (const s of stops) s();
      await mdns?.stop();
      await redirect?.stop();
      await server.stop();
      auditBuffer?.stop(); // after the server: the tabs' disconnects are in it
      db?.close();
    },
  };
}

/** Audits connects, disconnects and (throttled) shared-value changes of one runtime, in batches. */
function auditClients(rt: Runtime, buffer: AuditBuffer, where: string): void {
  const actor = (c: Client) => ({ userId: c.user?.id, username: c.user?.username, sessionId: c.sessionId, clientId: c.id, ip: c.ip });
  const write = (entry: AuditEntry) => buffer.add(entry);
  rt.connectHandlers.push((c, connected) => {
    write({
      action: connected ? "client.connect" : "client.disconnect",
      actor: actor(c),
      target: where,
      detail: connected ? { userAgent: c.userAgent.slice(0, 200) } : { messagesIn: c.messagesIn, messagesOut: c.messagesOut },
    });
  });
  // A tab closed over a budget (flooding, not reading): one entry with the reason, before its disconnect.
  rt.budgetListeners.push((c, reason) => {
    write({ action: "client.closed", actor: actor(c), target: where, detail: { reason, messagesIn: c.messagesIn } });
  });
  // A drag sends many values: the first is written at once, the latest when the tab pauses.
  const pending = new WeakMap<Client, Map<string, { value: string; timer: ReturnType<typeof setTimeout> | undefined }>>();
  // Who drove the device is committed at once (throttled below, so this costs a commit per drag).
  const entry = (c: Client, id: string, value: string) =>
    buffer.add(
      { action: "value.change", actor: actor(c), target: id, detail: { value: value.length > 200 ? `${value.slice(0, 200)}…` : value } },
      true,
    );
  rt.inputListeners.push((c, id, changed, shared) => {
    if (!shared) return;
    let m = pending.get(c);
    if (!m) pending.set(c, (m = new Map()));
    const value = JSON.stringify(changed);
    const p = m.get(id);
    if (p) {
      p.value = value;
      return;
    }
    entry(c, id, value);
    const slot = { value, timer: undefined as ReturnType<typeof setTimeout> | undefined };
    m.set(id, slot);
    slot.timer = setTimeout(() => {
      m!.delete(id);
      if (slot.value !== value) entry(c, id, slot.value);
    }, VALUE_AUDIT_MS);
  });
}

/** A public app whose callbacks ask for no role needs no check per message. */
function guardInputs(rt: Runtime, access: Access, mode: AccessMode): void {
  if (mode === "login" || rt.graph.callbacks.some((cb) => cb.role)) rt.inputGuards.unshift(access.inputGuard(rt.graph));
}

/** Several route sets, added in order. */
function routesOf(...sets: (Routes | undefined)[]): Routes {
  return (app, edge) => {
    for (const add of sets) add?.(app, edge);
  };
}

/**
 * Round-trip times are shown only on the console's Tabs page, so the tabs (of every mount) are
 * pinged only while a console tab is open: at once when the first one opens, then every `everyMs`
 * until the last one closes. An idle server with no console open sends no pings (Bun's own
 * keepalive pings, `sendPings`, still find dead peers).
 */
function pingWhileWatched(consoleRt: Runtime, runtimes: () => Runtime[], everyMs: number): () => void {
  let timer: ReturnType<typeof setInterval> | undefined;
  const pingAll = () => {
    for (const r of runtimes()) for (const c of r.clients) c.ping();
  };
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
  };
  consoleRt.connectHandlers.push(() => {
    if (consoleRt.clients.size === 0) stop();
    else if (!timer) {
      pingAll();
      timer = setInterval(pingAll, everyMs);
      (timer as { unref?: () => void }).unref?.();
    }
  });
  return stop;
}
