/**
 * @module bench/example1
 * examples/example1.ts run as its own process on a free port, pinned like every bench server
 * (SPLIT.server), for the browser rows (relay.ts) and the probe (relay-probe.ts).
 */

import { freePort } from "../../test/helpers/server.ts";
import { SPLIT } from "./proc.ts";

export interface Example1 {
  url: string;
  pid: number;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts example1 with its data in `dataDir`; `bunArgs` go before the file (e.g. --cpu-prof). */
export async function startExample1(dataDir: string, bunArgs: string[] = []): Promise<Example1> {
  const port = freePort();
  const pin = SPLIT.server ? ["taskset", "-c", SPLIT.server] : [];
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir };
  delete env.DD_SERVER_SERVICE;
  const proc = Bun.spawn([...pin, "bun", ...bunArgs, "examples/example1.ts"], {
    cwd: `${import.meta.dir}/../..`,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const drain = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) out += new TextDecoder().decode(chunk);
  };
  void drain(proc.stdout);
  void drain(proc.stderr);
  const end = performance.now() + 15000;
  while (!out.includes("server.listening") && performance.now() < end && proc.exitCode === null) await Bun.sleep(20);
  if (!out.includes("server.listening")) {
    proc.kill();
    throw new Error(`example1 did not start:\n${out.slice(-2000)}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid,
    output: () => out,
    stop: async () => {
      proc.kill();
      await proc.exited;
    },
  };
}
