/**
 * @module startup-trace
 * Where an app's start-up time goes, when asked: with `DD_STARTUP_TRACE=1` the app logs one line
 * `startup.trace` once it listens, with the milliseconds of each phase since the process began
 * (Bun's `performance.now()` counts from the process's start): `runtime` (Bun itself, until the
 * first module of dash-devices runs), `imports` (evaluating the modules: ours, Elysia, Drizzle),
 * `app` (the user's file until `app.run()`), then the phases `mark()`ed by the server (database,
 * appliance, listen). Imported first by src/index.ts so that `runtime` ends where our code begins.
 * Without the variable it records a few numbers and prints nothing.
 */

const origin = performance.now();
const marks: [string, number][] = [["runtime", origin]];

/** Ends the phase `name` now (phases follow each other). */
export function mark(name: string): void {
  marks.push([name, performance.now()]);
}

/** Each phase's ms (`{ runtime: 3.1, imports: 8.9, ..., total: 21.0 }`), or undefined when tracing is off. */
export function startupPhases(env: Record<string, string | undefined> = process.env): Record<string, number> | undefined {
  if (env.DD_STARTUP_TRACE !== "1") return undefined;
  const out: Record<string, number> = {};
  let prev = 0;
  for (const [name, t] of marks) {
    out[name] = Math.round((t - prev) * 10) / 10;
    prev = t;
  }
  out.total = Math.round(prev * 10) / 10;
  return out;
}
