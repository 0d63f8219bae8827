/**
 * @module app
 * `App`: what a user's program talks to. It holds the layout and the callbacks (in a Runtime,
 * the framework-free core) and `run()` starts the server. Names follow Dash and the original
 * dash_devices: `callback`, `callbackShared`, `callbackConnect`, `pushMods`, `clients`.
 *
 * @example
 * const app = new App({ title: "Thermostat" });
 * app.layout = html.Div([dcc.Slider({ id: "t", min: 50, max: 90, value: 70 }), html.Div({ id: "out" })]);
 * app.callbackShared(Output("out", "children"), Input("t", "value"), (t) => `${t} °F`);
 * app.run({ port: 5000 });
 */

import type { Child } from "./core/component.ts";
import type { Client } from "./core/client.ts";
import type { CallbackArgs, CallbackDef, DepArg } from "./core/graph.ts";
import type { AppSurface } from "./app-surface.ts";

export type { CallbackArgs, DepArg };
import { createLogger, setLogFormat, type Logger } from "./core/log.ts";
import { DashDevicesError } from "./core/errors.ts";
import type { Budgets } from "./core/budgets.ts";
import { Runtime, type ConnectHandler, type LayoutSource, type Mods } from "./core/runtime.ts";
import { startIntervals } from "./core/intervals.ts";
import { listenConfig, parseAllowedHosts, type ListenConfig } from "./server/config.ts";
import type { RunningServer } from "./server/serve.ts";
import { startAppliance, type Appliance } from "./server/appliance.ts";
import type { AccessMode } from "./server/access.ts";
import { exitWithError, parseCliOrExit, usage, type CliOptions } from "./server/cli.ts";
import { versionLine } from "./cli/app-info.ts";
import { createAdminFromCli } from "./server/create-admin.ts";
import { auditRetention } from "./db/audit-retention.ts";
import { ControlLease, type LeaseOptions } from "./server/lease.ts";
import { mark, startupPhases } from "./server/startup-trace.ts";
import { installCrashHandlers } from "./server/crash.ts";
import { systemdNotifier, type SystemdNotifier } from "./server/sd-notify.ts";
import { isTransportName, TRANSPORT_NAMES, transportNamed, type TransportName } from "./transports/index.ts";

export interface AppOptions {
  /** The page title. */
  title?: string;
  /** Skip the check that callbacks only use ids in the layout (Dash's option of the same name). */
  suppressCallbackExceptions?: boolean;
  /** Where log lines go; default: one line per event on stderr. */
  logger?: Logger;
  /** Largest message a tab may send, in bytes (default 64 KiB). */
  maxMessageBytes?: number;
  /** Show a callback's error message to the tab that caused it (default true). */
  showErrors?: boolean;
  /** Unanswered messages one tab may have before further ones are refused with DD_FLOOD (default 1,000). */
  maxPendingMessages?: number;
  /**
   * A callback call that holds the event loop this many ms or longer (a sync callback's whole run,
   * an async one's until its first await) is logged once per callback as `callback.blocking`, with
   * what to do (default 50; 0: never).
   */
  slowCallbackMs?: number;
  /**
   * What one tab may cost before the server closes it (code 1008, the reason shown in its page,
   * logged once and audited): `{ invalidBurst: 20, invalidPerSecond: 5, maxQueued: 2000,
   * maxPendingBytes: 8 MiB, maxBlockedSeconds: 60, maxWaitingCalls: 8 }` (src/core/budgets.ts).
   */
  budgets?: Partial<Budgets>;
  /**
   * How tabs talk to the server: "websocket" (default: everything over one WebSocket), or "http"
   * for networks where WebSockets are blocked (controls post their values, updates come down a
   * Server-Sent Events stream). The original's server_service.
   */
  serverService?: TransportName;
  /**
   * Who may use the app: "public" (default, as the original: anyone on the network may watch and
   * drive) or "login" (watching needs an account; driving needs the operator role). Callbacks can
   * ask for a role of their own: `{ role: "operator" }`.
   */
  access?: AccessMode;
  /** Keep users, sessions and the audit log in SQLite, and serve /admin (default true). */
  database?: boolean;
  /** Where the database file lives (default: data/ beside the executable, or ./data; --data-dir). */
  dataDir?: string;
  /**
   * Host names the device also answers to, besides its IP addresses, hostname, HOSTNAME.local and
   * localhost (e.g. `["gadget.example.org"]`; `"name:port"`, `".example.org"`); `["*"]` turns the
   * check off, which lets web pages reach the device by DNS rebinding. Adds to --allowed-hosts.
   */
  allowedHosts?: string[];
  /** Behind a reverse proxy: believe X-Forwarded-For/-Proto/-Host (as --trust-proxy). */
  trustProxy?: boolean;
  /** Audit log entries older than this many days are deleted, at start and daily (default 90; 0: no limit; --audit-max-age-days). */
  auditMaxAgeDays?: number;
  /** Only the newest this many audit log entries are kept (default 200,000; 0: no limit; --audit-max-rows). */
  auditMaxRows?: number;
}

export class App implements AppSurface {
  readonly title: string;
  readonly serverService: TransportName;
  /** @internal the framework-free core. */
  readonly runtime: Runtime;
  private server: RunningServer | undefined;
  private appliance: Appliance | undefined;
  private readonly options: AppOptions;
  private cliOptions: CliOptions | undefined;
  private stopIntervals: (() => void) | undefined;

  constructor(options: AppOptions = {}) {
    if (!firstApp) mark("imports");
    firstApp = true;
    this.options = options;
    this.title = options.title ?? "dash-devices";
    // DD_SERVER_SERVICE=http switches any app to the HTTP service without editing it.
    this.serverService = options.serverService ?? ((process.env.DD_SERVER_SERVICE as AppOptions["serverService"]) || "websocket");
    if (!isTransportName(this.serverService)) {
      const names = TRANSPORT_NAMES.map((n) => `"${n}"`).join(" or ");
      throw new DashDevicesError("DD_BAD_OPTION", { what: `serverService must be ${names}.`, expected: names, found: JSON.stringify(options.serverService), fix: "leave it out for WebSockets" });
    }
    this.runtime = new Runtime({ log: options.logger ?? createLogger(), maxMessageBytes: options.maxMessageBytes, showErrors: options.showErrors, maxInflight: options.maxPendingMessages, budgets: options.budgets, slowCallbackMs: options.slowCallbackMs });
    if (options.allowedHosts) parseAllowedHosts(options.allowedHosts, "allowedHosts");
    auditRetention(options); // DD_BAD_OPTION now, not at run()
    this.runtime.sendAttrs = transportNamed(this.serverService).sendAttrs;
    this.runtime.suppressCallbackExceptions = !!options.suppressCallbackExceptions;
    installCrashSafety(this);
  }

  /** The component tree, or a function returning one (called for every page load). */
  get layout(): LayoutSource | undefined {
    return this.runtime.layout;
  }
  set layout(l: LayoutSource | undefined) {
    this.runtime.layout = l;
  }

  /** Extra components that callbacks create later, so ids can be checked at start (as Dash). */
  get validationLayout(): Child | undefined {
    return this.runtime.validationLayout;
  }
  set validationLayout(l: Child | undefined) {
    this.runtime.validationLayout = l;
  }

  /** Connected tabs, live. */
  get clients(): ReadonlySet<Client> {
    return this.runtime.clients;
  }

  get log(): Logger {
    return this.runtime.log;
  }

  /**
   * A callback whose outputs go to the tab that triggered it; first called once per tab.
   * `app.callback(outputs, inputs, states?, fn, options?)`; `null` outputs: no output.
   */
  callback(...args: CallbackArgs): CallbackDef {
    return this.runtime.addCallback(args, false);
  }

  /**
   * A shared callback: its inputs and outputs are one state for every tab, calls are serialized,
   * the first call happens once at server start.
   */
  callbackShared(...args: CallbackArgs): CallbackDef {
    return this.runtime.addCallback(args, true);
  }

  /**
   * A callback that runs in the browser (Dash's clientside_callback): `fn` is a self-contained
   * function (or its source text) taking the Input and State values; no server round trip.
   * @example app.clientsideCallback((v) => `${v} °F`, Output("temp", "children"), Input("thermostat", "value"));
   */
  // biome-ignore lint/suspicious/noExplicitAny: a user function with typed parameters ((v: number) => string) must fit; it runs in the browser, not here
  clientsideCallback(fn: string | ((...args: any[]) => unknown), ...deps: DepArg[]): void {
    this.runtime.addClientside([fn, ...deps]);
  }

  /**
   * The original's callback_authorize_output: return false to keep updates of `outputId` from a
   * tab (e.g. an admin panel only admins may see).
   */
  callbackAuthorizeOutput(fn: (client: Client, outputId: string) => unknown): void {
    this.runtime.authorizers.push(fn);
  }

  /** Called with (client, true) after a tab connects and (client, false) after it leaves. */
  callbackConnect(fn: ConnectHandler): void {
    this.runtime.connectHandlers.push(fn);
  }

  /** Property changes to everyone (and the shared state), or to one tab. */
  pushMods(mods: Mods, client?: Client): void {
    this.runtime.pushMods(mods, client);
  }

  /** Validates, makes the first shared calls, and serves. Honours --port/--host, PORT/HOST. */
  /**
   * Logs one tab in with a real account (the original's example3 login form, against the users
   * in the database): rate-limited and audited like /login; on success `client.user` and
   * `client.authentication` (the role) are set for this tab. Throws DD_LOGIN_FAILED or
   * DD_RATE_LIMITED with a message fit to show. Needs the database (run() first).
   */
  async loginTab(client: Client, username: string, password: string): Promise<{ username: string; role: string }> {
    const db = this.appliance?.db?.db;
    if (!db) throw new DashDevicesError("DD_BAD_OPTION", { what: "loginTab needs the app's database.", expected: "an app run with its database (the default)", found: "database: false, or run() not called yet", fix: "remove database: false" });
    const { login } = await import("./auth/login.ts");
    const r = await login(db, { username, password, ip: client.ip, userAgent: client.userAgent });
    client.sessionId = r.session.id;
    client.user = { id: r.user.id, username: r.user.username, role: r.user.role };
    client.username = r.user.username;
    client.authentication = r.user.role;
    tabSessions.add(client);
    return { username: r.user.username, role: r.user.role };
  }

  /** Logs a tab out of the account `loginTab` logged it into (its session is revoked). */
  async logoutTab(client: Client): Promise<void> {
    const db = this.appliance?.db?.db;
    if (db && client.sessionId && tabSessions.has(client)) {
      const { revokeSession } = await import("./auth/sessions.ts");
      revokeSession(db, client.sessionId, { action: "logout", actor: { userId: client.user?.id, username: client.user?.username, clientId: client.id, ip: client.ip } });
    }
    tabSessions.delete(client);
    client.sessionId = undefined;
    client.user = undefined;
    client.username = undefined;
    client.authentication = undefined;
  }

  /**
   * A control lease: one tab at a time drives the device (the controls of shared callbacks, or
   * `controls`), the others watch; put `lease.panel()` in the layout. See server/lease.ts.
   */
  controlLease(options: LeaseOptions = {}): ControlLease {
    if (this.lease) return this.lease;
    const lease = new ControlLease(this, options);
    const extra = lease.validationComponents();
    const v = this.validationLayout;
    this.validationLayout = v === undefined ? extra : [...(Array.isArray(v) ? v : [v]), ...extra];
    return (this.lease = lease);
  }

  /** The app's control lease, if it has one. */
  lease: ControlLease | undefined;

  /**
   * Work to do when the process is asked to stop (SIGTERM, SIGINT), after the server stopped, or
   * when it crashes (an uncaught exception or unhandled rejection), before it exits with status 1:
   * put the hardware in its safe state, release lines. Runs once; errors are logged.
   */
  onShutdown(fn: (signal: string) => unknown): void {
    shutdownHooks.push(fn);
  }

  /** The command line and environment settings (--port, --data-dir, --i2c-bus, --sim, ...). */
  get cli(): CliOptions {
    if (this.cliOptions) return this.cliOptions;
    this.cliOptions = parseCliOrExit();
    setLogFormat(this.cliOptions.logFormat); // lines logged before run() (devices opened at start) too
    return this.cliOptions;
  }

  async run(options: Partial<ListenConfig> = {}): Promise<RunningServer> {
    mark("app");
    const cli = this.cli;
    if (cli.help || cli.version) {
      process.stdout.write(cli.help ? usage(process.argv[1]?.split("/").pop() ?? "app") : `${versionLine()}\n`);
      process.exit(0);
    }
    // Every logger made without a format (the app's, the safe state's, the devices') follows this.
    setLogFormat(cli.logFormat);
    if (cli.createAdmin !== undefined) process.exit(await createAdminFromCli(cli, this.options.dataDir ?? cli.dataDir));
    // --backup / --restore: loaded only when asked for (no cost at start-up)
    if (cli.backup !== undefined || cli.restore !== undefined) process.exit((await import("./server/backup-cli.ts")).backupFromCli(cli, this.options.dataDir ?? cli.dataDir));
    let where: ListenConfig;
    try {
      where = listenConfig(options, cli, { allowedHosts: this.options.allowedHosts, trustProxy: this.options.trustProxy });
    } catch (e) {
      if (e instanceof DashDevicesError) exitWithError(e);
      throw e;
    }
    const rt = this.runtime;
    rt.validate();
    await rt.initialShared();
    rt.started = true;
    this.stopIntervals = startIntervals(rt);
    try {
      this.appliance = await startAppliance(
        this,
        where,
        { access: this.options.access ?? "public", database: this.options.database ?? true, dataDir: this.options.dataDir ?? cli.dataDir, serverService: this.serverService, title: this.title,
          auditMaxAgeDays: this.options.auditMaxAgeDays ?? cli.auditMaxAgeDays, auditMaxRows: this.options.auditMaxRows ?? cli.auditMaxRows,
          tls: cli.tls, httpRedirect: cli.httpRedirect, mdns: cli.mdns, mdnsName: cli.mdnsName },
        (title) => new App({ title, logger: this.runtime.log, database: false, serverService: "websocket" }),
      );
      this.server = this.appliance.server;
      this.runtime.connectHandlers.push((c, connected) => {
        if (!connected && tabSessions.has(c)) void this.logoutTab(c);
      });
    } catch (e) {
      this.stopIntervals();
      const msg = (e as Error).message ?? String(e);
      // A certificate that cannot be used, a redirect port in use: one line with the fix, status 2.
      if (e instanceof DashDevicesError) exitWithError(e);
      if (/in use|EADDRINUSE/i.test(msg)) {
        const err = new DashDevicesError("DD_BAD_OPTION", { what: `port ${where.port} on ${where.host} is already in use.`, fix: "stop the other program or pick another port with --port N" });
        // run() is the program's entry (as for --help): the operator gets one line and status 2.
        exitWithError(err);
      }
      throw e;
    }
    rt.log.info("server.listening", { url: this.server.url, urls: this.server.urls.join(","), host: where.host, port: this.server.port, tls: this.appliance.tls?.source, httpRedirect: this.appliance.redirectPort });
    const phases = startupPhases(); // DD_STARTUP_TRACE=1
    if (phases) rt.log.info("startup.trace", phases);
    running.add(this);
    installSignalHandlers();
    // Under systemd (Type=notify): READY=1 now, WATCHDOG=1 from the event loop from here on.
    (systemd ??= systemdNotifier(rt.log)).ready(`serving ${this.server.url}`);
    return this.server;
  }

  /** Stops the server and timers; tabs are told the server is going away; the database is closed. */
  async stop(): Promise<void> {
    running.delete(this);
    if (running.size === 0) systemd?.stopping();
    this.lease?.stop();
    this.stopIntervals?.();
    await this.appliance?.stop();
    this.appliance = undefined;
    this.server = undefined;
  }

  /** @internal the database, access rules and admin console around the app (after run()). */
  get services(): Appliance | undefined {
    return this.appliance;
  }
}

/** Whether an App was made already (the first one ends the start-up trace's "imports"). */
let firstApp = false;

/** Tabs logged in by loginTab: their session ends with the tab. */
const tabSessions = new WeakSet<Client>();

/** Apps running in this process: SIGTERM/SIGINT stop them all cleanly, once. */
const running = new Set<App>();
let signalsInstalled = false;

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  const stopAll = async (signal: string) => {
    for (const app of running) app.log.info("server.stopping", { signal });
    systemd?.stopping();
    const log = [...running][0]?.log;
    await Promise.allSettled([...running].map((a) => a.stop()));
    await runShutdownHooks(signal, log);
    process.exit(0);
  };
  process.once("SIGTERM", () => void stopAll("SIGTERM"));
  process.once("SIGINT", () => void stopAll("SIGINT"));
}

/** Work to do after the apps stopped on SIGTERM/SIGINT, or on a crash (e.g. put hardware in its safe state). */
export const shutdownHooks: ((signal: string) => unknown)[] = [];

/** The process's systemd notifier (READY=1, watchdog pings), made by the first run(). */
let systemd: SystemdNotifier | undefined;

let shutdownRun: Promise<void> | undefined;
/** Runs the shutdown hooks once per process, whatever asks first (a signal, a crash). */
function runShutdownHooks(reason: string, log: Logger | undefined): Promise<void> {
  return (shutdownRun ??= (async () => {
    for (const h of shutdownHooks) {
      try {
        await h(reason);
      } catch (e) {
        log?.error("shutdown.hook-failed", { reason, error: e instanceof Error ? e : String(e) });
      }
    }
  })());
}

/**
 * An uncaught exception or unhandled rejection: logged once through the first app's logger, the
 * safe state first (the hardware matters most), then the apps stop (tabs are told), exit status 1.
 */
function installCrashSafety(first: App): void {
  installCrashHandlers({
    logger: () => ([...running][0] ?? first).log,
    onCrash: async (reason) => {
      const log = ([...running][0] ?? first).log;
      systemd?.stopping();
      await runShutdownHooks(reason, log);
      await Promise.allSettled([...running].map((a) => a.stop()));
    },
  });
}
