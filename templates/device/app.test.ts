// app.test.ts: runs app.ts (simulated chips) as a real server on a free port and talks to it as a tab does:
// the page over HTTP, then the slider over the WebSocket. No browser needed: `bun test`.
import { afterAll, beforeAll, expect, test } from "bun:test";

let app: ReturnType<typeof Bun.spawn>;
let url = "";

beforeAll(async () => {
  app = Bun.spawn([process.execPath, "app.ts", "--port", "0", "--host", "127.0.0.1"], { cwd: import.meta.dir, stderr: "pipe" });
  url = await listeningUrl(app.stderr as ReadableStream<Uint8Array>);
});
afterAll(() => app.kill());

test("the page shows the gadget and a sensor reading arrives", async () => {
  const page = await (await fetch(url)).text();
  expect(page).toContain("<h1>Gadget</h1>");
  const ws = await connect(url);
  expect(await nextFrameWith(ws, " °C")).toMatch(/\d+\.\d\d °C/); // pushed every second
  ws.close();
});

test("moving the slider runs the callback (the PCA9685 is set) and its text comes back", async () => {
  const ws = await connect(url);
  const reply = nextFrameWith(ws, "40%");
  // What htmx sends when the slider moves: its value, and headers naming the control.
  ws.send(
    JSON.stringify({
      brightness: "40",
      headers: { "HX-Request": "true", "HX-Source": "div#brightness", "HX-Target": "div#brightness", "HX-Current-URL": url, "DD-Seq": "1" },
    }),
  );
  expect(await reply).toMatch(/id="brightness_out"[^>]*>40%</);
  ws.close();
});

/** The URL from the server's `server.listening url=...` log line. */
async function listeningUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`app.ts stopped before listening:\n${text}`);
    text += new TextDecoder().decode(value);
    const m = /server\.listening url=(\S+)/.exec(text);
    if (m) {
      void (async () => {
        while (!(await reader.read()).done);
      })(); // keep the pipe drained
      return m[1]!.replace(/\/?$/, "/");
    }
  }
}

async function connect(pageUrl: string): Promise<WebSocket> {
  const page = await (await fetch(pageUrl)).text();
  const version = /data-dd-version="(\d+)"/.exec(page)?.[1] ?? "0";
  const ws = new WebSocket(`${pageUrl.replace(/^http/, "ws")}ws?v=${version}`);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  return ws;
}

/** The HTML fragments (`content`) of the next frame from the server that contains `text`. */
function nextFrameWith(ws: WebSocket, text: string): Promise<string> {
  return new Promise((resolve) => {
    ws.addEventListener("message", (e) => {
      const content = (JSON.parse(String(e.data)) as { content?: string }).content ?? "";
      if (content.includes(text)) resolve(content);
    });
  });
}
