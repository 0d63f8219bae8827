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
import type { AppSurface, MountedApp, MountOptions } from "./app-surface.ts";
import type { AppOptions } from "./app-options.ts";

export type { AppOptions, CallbackArgs, DepArg, MountOptions };
import { createLogger, setLogFormat, type Logger } from "./core/log.ts";
import { DashDevicesError } from "./core/errors.ts";
import { Runtime, type ConnectHandler, type LayoutSource, type Mods } from "./core/runtime.ts";
import { startIntervals } from "./core/intervals.ts";
import { listenConfig, parseAllowedHosts, type ListenConfig } from "./server/config.ts";
import type { RunningServer } from "./server/serve.ts";
import { startAppliance, type Appliance } from "./server/appliance.ts";
import { parseCliOrExit, usage, type CliOptions } from "./server/cli.ts";
import { versionLine } from "./cli/app-info.ts";
import { createAdminFromCli } from "./server/create-admin.ts";
import { auditRetention } from "./db/audit-retention.ts";
import { ControlLease, type LeaseOptions } from "./server/lease.ts";
import { mark, startupPhases } from "./server/startup-trace.ts";
import { mountOf, mountRefusal, type Mounted } from "./app-mount.ts";
import { loggedInByTab, loginTab, logoutTab } from "./auth/tab-login.ts";
import { appRunning, appStopped, exitOnStartError, installCrashSafety, shutdownHooks } from "./app-process.ts";
import { isTransportName, TRANSPORT_NAMES, transportNamed, type TransportName } from "./transports/index.ts";

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
  /** The one start of this app (start()), once begun. */
  private starting: Promise<void> | undefined;
  private readonly mounted: Mounted[] = [];
  /** The app this one is mounted in. */
  private host: App | undefined;

  constructor(options: AppOptions = {}) {
    if (!firstApp) mark("imports");
    firstApp = true;
    this.options = options;
    this.title = options.title ?? "dash-devices";
    // DD_SERVER_SERVICE=http switches any app to the HTTP service without editing it.
    this.serverService = options.serverService ?? ((process.env.DD_SERVER_SERVICE as AppOptions["serverService"]) || "websocket");
    if (!isTransportName(this.serverService)) {
      const names = TRANSPORT_NAMES.map((n) => `"${n}"`).join(" or ");
      throw new DashDevicesError("DD_BAD_OPTION", {
        what: `serverService must be ${names}.`,
        expected: names,
        found: JSON.stringify(options.serverService),
        fix: "leave it out for WebSockets",
      });
    }
    this.runtime = new Runtime({
      log: options.logger ?? createLogger(),
      maxMessageBytes: options.maxMessageBytes,
      showErrors: options.showErrors,
      maxInflight: options.maxPendingMessages,
      budgets: options.budgets,
      slowCallbackMs: options.slowCallbackMs,
    });
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

  /**
   * Logs one tab in with a real account (the original's example3 login form, against the users
   * in the database): rate-limited and audited like /login; on success `client.user` and
   * `client.authentication` (the role) are set for this tab. Throws DD_LOGIN_FAILED or
   * DD_RATE_LIMITED with a message fit to show. Needs the database (run() first).
   */
  loginTab(client: Client, username: string, password: string): Promise<{ username: string; role: string }> {
    return loginTab(this.appliance?.db?.db, client, username, password);
  }

  /** Logs a tab out of the account `loginTab` logged it into (its session is revoked). */
  logoutTab(client: Client): Promise<void> {
    return logoutTab(this.appliance?.db?.db, client);
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

  /**
   * Validates, makes the first shared calls (its own and its mounted apps'), and serves.
   * Honours --port/--host, PORT/HOST.
   */
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
    if (cli.backup !== undefined || cli.restore !== undefined)
      process.exit((await import("./server/backup-cli.ts")).backupFromCli(cli, this.options.dataDir ?? cli.dataDir));
    let where: ListenConfig;
    try {
      where = listenConfig(options, cli, { allowedHosts: this.options.allowedHosts, trustProxy: this.options.trustProxy });
    } catch (e) {
      exitOnStartError(e);
      throw e;
    }
    const rt = this.runtime;
    await this.start();
    for (const m of this.mounted) if (!m.lazy) await (m.app as App).start();
    try {
      this.appliance = await startAppliance(
        this,
        where,
        {
          access: this.options.access ?? "public",
          database: this.options.database ?? true,
          dataDir: this.options.dataDir ?? cli.dataDir,
          serverService: this.serverService,
          title: this.title,
          auditMaxAgeDays: this.options.auditMaxAgeDays ?? cli.auditMaxAgeDays,
          auditMaxRows: this.options.auditMaxRows ?? cli.auditMaxRows,
          tls: cli.tls,
          httpRedirect: cli.httpRedirect,
          mdns: cli.mdns,
          mdnsName: cli.mdnsName,
        },
        (title) => new App({ title, logger: this.runtime.log, database: false, serverService: "websocket" }),
      );
      this.server = this.appliance.server;
      this.runtime.connectHandlers.push((c, connected) => {
        if (!connected && loggedInByTab(c)) void this.logoutTab(c);
      });
    } catch (e) {
      this.halt();
      exitOnStartError(e, where);
      throw e;
    }
    rt.log.info("server.listening", {
      url: this.server.url,
      urls: this.server.urls.join(","),
      host: where.host,
      port: this.server.port,
      tls: this.appliance.tls?.source,
      httpRedirect: this.appliance.redirectPort,
    });
    const phases = startupPhases(); // DD_STARTUP_TRACE=1
    if (phases) rt.log.info("startup.trace", phases);
    appRunning(this, `serving ${this.server.url}`);
    return this.server;
  }

  /**
   * Serves another App under a path prefix of this one: its page at `prefix/`, its own layout,
   * callbacks and tabs, behind this app's access rules (or `options.gate`). It starts with this
   * app, in run(), or, with `options.build`, when first opened. The admin console is one.
   * @example app.mount("/status", statusApp);
   */
  mount(prefix: string, sub: AppSurface, options: MountOptions = {}): void {
    const what =
      sub === this
        ? "the app itself"
        : !(sub instanceof App)
          ? "not an App"
          : sub.host || sub.server
            ? "an app already mounted or running"
            : "ok";
    const refusal = mountRefusal(prefix, this.mounted, what, !!this.server);
    if (refusal) throw refusal;
    const app = sub as App;
    app.host = this;
    this.mounted.push(mountOf(prefix, app, options, () => app.start()));
  }

  get mounts(): readonly MountedApp[] {
    return this.mounted;
  }

  /**
   * The one start of an app, its own or as mounted: its callbacks checked against its layout (a
   * DD_ error thrown now), the first shared calls made, its dcc.Interval timers started. Once.
   */
  private start(): Promise<void> {
    if (this.starting) return this.starting;
    const rt = this.runtime;
    rt.validate();
    return (this.starting = rt.initialShared().then(() => {
      rt.started = true;
      this.stopIntervals = startIntervals(rt);
    }));
  }

  /** Its timers and control lease stop, and those of the apps mounted in it. */
  private halt(): void {
    this.lease?.stop();
    this.stopIntervals?.();
    for (const m of this.mounted) (m.app as App).halt();
  }

  /** Stops the server and timers; tabs are told the server is going away; the database is closed. */
  async stop(): Promise<void> {
    appStopped(this);
    this.halt();
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
