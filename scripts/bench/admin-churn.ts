/**
 * @module bench/admin-churn
 * What an open /admin costs while anonymous tabs come and go (issue 10, M5). Starts the real
 * server in a child process (database in a temp dir, one admin account), optionally opens an
 * admin console tab, then opens and closes N anonymous tabs (a few at a time) while a probe tab
 * keeps doing round trips. Prints the server's CPU time (from /proc, user + system), the wall
 * time, the frames the console tab received, the probe's worst round trip, and the audit rows.
 *
 * RESIDENT tabs stay open throughout, so the console's list has rows to draw.
 *
 *   bun scripts/bench/admin-churn.ts [N=1000] [RESIDENT=100]
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROLE = process.env.ADMIN_CHURN_ROLE;

if (ROLE === "server") {
  const { App, createLogger, dcc, html, Input, Output } = await import("../../src/index.ts");
  const { createUser } = await import("../../src/auth/users.ts");
  const app = new App({ title: "churn", logger: createLogger({ level: "warn" }), dataDir: process.env.ADMIN_CHURN_DIR });
  app.layout = html.Div([dcc.Slider({ id: "s", min: 0, max: 1_000_000, step: 1, value: 0 }), html.Div({ id: "out" })]);
  app.callback(Output("out", "children"), Input("s", "value"), (v: unknown) => `v=${v};`);
  const running = await app.run({ host: "127.0.0.1", port: 0 });
  await createUser(app.services!.db!.db, { username: "admin", password: "admin-password", role: "admin" });
  process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
  process.on("SIGTERM", async () => {
    await app.stop();
    process.exit(0);
  });
} else {
  const N = Number(process.argv[2] ?? 1000);
  const RESIDENT = Number(process.argv[3] ?? 100);
  const CONCURRENCY = 8;
  const ticks = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

  const cpuMs = (pid: number) => {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / ticks; // utime, stime
  };

  const open = (url: string, headers: Record<string, string> = {}) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, "ws")}`, {
        headers: { origin: url.replace(/\/(admin\/)?ws.*$/, ""), ...headers },
      } as unknown as string[]);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error(`cannot open ${url}`));
    });

  async function scenario(withAdmin: boolean) {
    const dir = mkdtempSync(join(tmpdir(), "dd-churn-"));
    const proc = Bun.spawn(["bun", import.meta.path], {
      env: { ...process.env, ADMIN_CHURN_ROLE: "server", ADMIN_CHURN_DIR: dir },
      stdout: "pipe",
      stderr: "inherit",
    });
    const reader = proc.stdout.getReader();
    let line = "";
    while (!line.includes("\n")) line += new TextDecoder().decode((await reader.read()).value);
    const { url } = JSON.parse(line) as { url: string };
    process.once("exit", () => proc.kill()); // never leave the server behind

    let adminFrames = 0;
    let admin: WebSocket | undefined;
    if (withAdmin) {
      const res = await fetch(`${url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
        body: "username=admin&password=admin-password&next=/",
      });
      const cookie = /dd_session[_0-9]*=[^;]*/.exec(res.headers.get("set-cookie") ?? "")?.[0];
      if (!cookie) throw new Error(`login refused: HTTP ${res.status} ${await res.text()}`);
      admin = await open(`${url}/admin/ws`, { cookie, origin: url });
      admin.onmessage = () => adminFrames++;
      await Bun.sleep(500);
    }
    const resident: WebSocket[] = [];
    for (let i = 0; i < RESIDENT; i++) resident.push(await open(`${url}/ws`));
    const probe = await open(`${url}/ws`);
    let seq = 0;
    let sentAt = 0;
    const rtts: number[] = [];
    probe.onmessage = (e) => {
      if (String(e.data).includes(`v=${seq};`)) rtts.push(performance.now() - sentAt);
    };
    const hdr = (n: number) => ({ "HX-Request": "true", "HX-Source": "div#s", "DD-Seq": String(n) });
    let probing = true;
    const probeLoop = (async () => {
      while (probing) {
        seq++;
        sentAt = performance.now();
        probe.send(JSON.stringify({ s: String(seq), headers: hdr(seq) }));
        await Bun.sleep(100);
      }
    })();

    await Bun.sleep(300);
    adminFrames = 0;
    const cpu0 = cpuMs(proc.pid);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          next++;
          const ws = await open(`${url}/ws`);
          await new Promise<void>((r) => {
            ws.onclose = () => r();
            ws.close();
          });
        }
      }),
    );
    const wall = performance.now() - t0;
    await Bun.sleep(1500); // let trailing work (console redraws, audit batches) finish
    const cpu = cpuMs(proc.pid) - cpu0;
    probing = false;
    await probeLoop;
    probe.close();
    for (const ws of resident) ws.close();
    admin?.close();
    const framesDuringBurst = adminFrames;
    proc.kill("SIGTERM");
    await proc.exited;
    const { Database } = await import("bun:sqlite");
    const db = new Database(join(dir, "dash-devices.sqlite"), { readonly: true });
    const rows = (db.query("select count(*) as n from audit_log where action = 'client.connect'").get() as { n: number }).n;
    db.close();
    rmSync(dir, { recursive: true, force: true });
    rtts.sort((a, b) => a - b);
    return {
      admin: withAdmin,
      connects: N,
      resident: RESIDENT,
      serverCpuMs: Math.round(cpu),
      wallMs: Math.round(wall),
      adminFrames: framesDuringBurst,
      probeRoundTrips: rtts.length,
      probeP50Ms: Number((rtts[Math.floor(rtts.length / 2)] ?? NaN).toFixed(1)),
      probeMaxMs: Number((rtts.at(-1) ?? NaN).toFixed(1)),
      connectRowsAudited: rows,
    };
  }

  const load = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(`load before: ${load()}`);
  for (const withAdmin of [false, true]) console.log(JSON.stringify(await scenario(withAdmin)));
  process.exit(0);
  console.log(`load after: ${load()}`);
}
