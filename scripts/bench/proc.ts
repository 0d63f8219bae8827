/**
 * @module bench/proc
 * The bench's child processes (the server under test, the raw echo server, the client fleets)
 * and how the orchestrator talks to them: JSON messages over Bun's IPC channel, as requests
 * `{ id, op, ... }` answered by `{ id, ... }`, plus events `{ ev, ... }` the child sends on its
 * own. Children run in their own processes so client work never shows in the server's timings.
 * Each child's clock is mapped onto the orchestrator's (`clock`) by ping exchanges, so times
 * taken in different processes can be subtracted.
 */

import type { Subprocess } from "bun";
import { dirname, join } from "node:path";

export const BENCH_DIR = dirname(import.meta.path);

type Msg = Record<string, unknown>;

/**
 * CPU placement. On a small VM, waking a process on another (idle, halted) vCPU costs tens of µs
 * while a wake-up on the same CPU costs a few, and the scheduler picks either from run to run;
 * pinning makes the placement explicit. The orchestrator and the client processes run on CPU 0,
 * the server under test on the last CPU (its own core), unless a part asks for one shared core.
 */
export interface Placement {
  /** CPU list for the server process (taskset syntax), or undefined for no pinning. */
  server: string | undefined;
  /** CPU list for client processes. */
  clients: string | undefined;
}

const canPin = navigator.hardwareConcurrency >= 2 && Bun.which("taskset") !== null;
/** Server on its own core, clients on another: the default for every part. */
export const SPLIT: Placement = canPin
  ? { server: String(navigator.hardwareConcurrency - 1), clients: "0" }
  : { server: undefined, clients: undefined };
/** Everything on CPU 0: wake-ups cost what the software costs. */
export const SHARED_CORE: Placement = canPin ? { server: "0", clients: "0" } : { server: undefined, clients: undefined };
export const pinning = canPin;

/** Pins this process (every thread) to the clients' CPU; children inherit it unless pinned otherwise. */
export function pinSelf(): void {
  if (!canPin) return;
  Bun.spawnSync(["taskset", "-a", "-cp", SPLIT.clients!, String(process.pid)], { stdout: "ignore", stderr: "ignore" });
}

/** Lets this process (and what it starts from now on) use every CPU again. */
export function unpinSelf(): void {
  if (!canPin) return;
  Bun.spawnSync(["taskset", "-a", "-cp", `0-${navigator.hardwareConcurrency - 1}`, String(process.pid)], {
    stdout: "ignore",
    stderr: "ignore",
  });
}

export interface ChildOptions {
  /** taskset CPU list for this child. */
  cpus?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  args?: string[];
  /** Run under `bun --cpu-prof`; the profile is written to this directory when the child exits. */
  profileDir?: string;
  /** How long to wait for the child's `ready` event. */
  readyMs?: number;
}

export class Child {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (m: Msg) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, (m: Msg) => void>();
  private output = "";
  /** Bytes the child printed in all (stdout and stderr): the flood part measures log volume. */
  outputBytes = 0;
  private exited = false;
  /** Orchestrator time = child time - offset (ms); see `syncClock`. */
  offset = 0;
  ready: Msg = {};

  private constructor(
    readonly name: string,
    readonly proc: Subprocess<"ignore", "pipe", "pipe">,
  ) {}

  static async start(name: string, file: string, o: ChildOptions = {}): Promise<Child> {
    const env: Record<string, string | undefined> = { ...process.env, ...o.env };
    // The app honours PORT/HOST: the bench decides where it listens (127.0.0.1, a free port).
    delete env.PORT;
    delete env.HOST;
    delete env.DD_SERVER_SERVICE;
    const prof = o.profileDir
      ? ["--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", o.profileDir, "--cpu-prof-name", `${name}-${Date.now()}.cpuprofile`]
      : [];
    let child: Child | undefined;
    const early: Msg[] = [];
    const pin = o.cpus ? ["taskset", "-c", o.cpus] : [];
    const proc = Bun.spawn([...pin, "bun", ...prof, join(BENCH_DIR, file), ...(o.args ?? [])], {
      env,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      serialization: "json",
      ipc(m: Msg) {
        if (child) child.onMessage(m);
        else early.push(m);
      },
    });
    child = new Child(name, proc);
    for (const m of early) child.onMessage(m);
    void child.pump(proc.stdout);
    void child.pump(proc.stderr);
    void proc.exited.then(() => {
      child!.exited = true;
      for (const w of child!.waiting.values())
        w.reject(new Error(`${name} exited (code ${proc.exitCode}):\n${child!.output.slice(-2000)}`));
      child!.waiting.clear();
    });
    const ready = await child.waitEvent("ready", o.readyMs ?? 15000);
    child.ready = ready;
    return child;
  }

  private async pump(s: ReadableStream<Uint8Array>): Promise<void> {
    const dec = new TextDecoder();
    for await (const chunk of s) {
      this.outputBytes += chunk.byteLength;
      this.output += dec.decode(chunk, { stream: true });
      if (this.output.length > 100_000) this.output = this.output.slice(-50_000);
    }
  }

  /** What the child printed (stdout and stderr), for error messages. */
  get log(): string {
    return this.output;
  }

  private onMessage(m: Msg): void {
    if (typeof m.id === "number" && this.waiting.has(m.id)) {
      const w = this.waiting.get(m.id)!;
      this.waiting.delete(m.id);
      if (typeof m.error === "string") w.reject(new Error(`${this.name}: ${m.error}`));
      else w.resolve(m);
      return;
    }
    if (typeof m.ev === "string") this.listeners.get(m.ev)?.(m);
  }

  /** Handles the child's `ev` events (one handler per event name). */
  on(ev: string, fn: (m: Msg) => void): void {
    this.listeners.set(ev, fn);
  }

  off(ev: string): void {
    this.listeners.delete(ev);
  }

  waitEvent(ev: string, ms: number): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(ev);
        reject(new Error(`${this.name}: no "${ev}" within ${ms} ms; output:\n${this.output.slice(-2000)}`));
      }, ms);
      this.on(ev, (m) => {
        clearTimeout(timer);
        this.off(ev);
        resolve(m);
      });
    });
  }

  request<T extends Msg = Msg>(op: string, args: Msg = {}, ms = 60000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited:\n${this.output.slice(-2000)}`));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name}: "${op}" got no answer within ${ms} ms`));
      }, ms);
      this.waiting.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ ...args, id, op });
    });
  }

  /**
   * Estimates this child's clock offset from ping round trips (NTP-style: the exchange with the
   * shortest round trip wins); error at most half that round trip, typically tens of µs.
   */
  async syncClock(rounds = 40): Promise<{ offset: number; rtt: number }> {
    let best = { offset: 0, rtt: Infinity };
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const r = await this.request<{ t: number }>("ping");
      const t1 = performance.now();
      if (t1 - t0 < best.rtt) best = { offset: r.t - (t0 + t1) / 2, rtt: t1 - t0 };
    }
    this.offset = best.offset;
    return best;
  }

  /** A child time on the orchestrator's clock. */
  local(t: number): number {
    return t - this.offset;
  }

  /** Asks the child to exit (so a CPU profile gets written), then makes sure it has. */
  async stop(ms = 5000): Promise<void> {
    if (this.exited) return;
    try {
      await this.request("exit", {}, ms);
    } catch {
      // it may exit before answering
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = await Promise.race([
      this.proc.exited.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
    ]);
    clearTimeout(timer);
    if (!done) {
      this.proc.kill();
      await this.proc.exited;
    }
  }
}

/** Child side: answers requests with `handlers[op]`; `ping` and `exit` are built in. */
export function serveRequests(handlers: Record<string, (m: Msg) => unknown>, onExit?: () => void | Promise<void>): void {
  process.on("message", async (m: Msg) => {
    const id = m.id;
    const op = String(m.op);
    if (op === "ping") return process.send!({ id, t: performance.now() });
    if (op === "exit") {
      try {
        await onExit?.();
      } finally {
        process.send!({ id });
        // Let the answer go out, then exit normally so `--cpu-prof` writes its profile.
        setTimeout(() => process.exit(0), 20);
      }
      return;
    }
    const h = handlers[op];
    if (!h) return process.send!({ id, error: `unknown op "${op}"` });
    try {
      const r = await h(m);
      process.send!({ ...((r as Msg) ?? {}), id });
    } catch (e) {
      process.send!({ id, error: e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e) });
    }
  });
  // The orchestrator went away without saying so: do not linger.
  process.on("disconnect", () => process.exit(0));
}

export function emit(ev: string, fields: Msg = {}): void {
  process.send!({ ...fields, ev });
}
