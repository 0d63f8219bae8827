/**
 * Test helpers: a stand-in for systemd's notify socket. python3 binds a unix datagram socket at
 * `name` (a path, or an abstract name written "@name") and prints every datagram as a line
 * (newlines inside one shown as "|"); `lines` fills as they come.
 */
import { until } from "./server.ts";

export interface NotifyListener {
  lines: string[];
  stop(): void;
}

export const hasPython = Bun.which("python3") !== null;

export async function notifyListener(name: string): Promise<NotifyListener> {
  const script = `
import socket, sys
name = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + name[1:] if name.startswith("@") else name)
print("BOUND", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
`;
  const p = Bun.spawn(["python3", "-c", script, name], { stdout: "pipe", stderr: "inherit" });
  const lines: string[] = [];
  void (async () => {
    let rest = "";
    for await (const c of p.stdout) {
      rest += new TextDecoder().decode(c);
      const parts = rest.split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
    }
  })();
  if (!(await until(() => lines.includes("BOUND"), 10000))) {
    p.kill();
    throw new Error("python3 could not bind the notify socket");
  }
  return { lines, stop: () => p.kill() };
}
