/**
 * A one-shot mDNS query, run as its own process (inside a test's network namespace):
 *   bun test/helpers/mdns-query.ts NAME TYPE [NAME TYPE ...] [--wait MS] [--unicast]
 * Sends the questions to 224.0.0.251:5353 from port 5353 (as a responder's neighbour would),
 * collects every response until each question has an answer or MS pass (default 3000), and
 * prints `{ "answers": [...], "additionals": [...] }` as one JSON line. `--unicast`: from a port
 * of its own, without joining the group (a "legacy unicast" query, RFC 6762 6.7): only answers
 * sent to this asker come back, so they answer its questions (not an announcement).
 */
import makeMdns from "multicast-dns";

const args = process.argv.slice(2);
const w = args.indexOf("--wait");
const wait = w >= 0 ? Number(args.splice(w, 2)[1]) : 3000;
const u = args.indexOf("--unicast");
const unicast = u >= 0 && args.splice(u, 1).length > 0;
const questions: { name: string; type: string }[] = [];
for (let i = 0; i + 1 < args.length; i += 2) questions.push({ name: args[i]!, type: args[i + 1]! });

const answers: Record<string, unknown>[] = [];
const additionals: Record<string, unknown>[] = [];
const mdns = unicast ? makeMdns({ port: 0, multicast: false }) : makeMdns({ reuseAddr: true });
const done = () => {
  process.stdout.write(JSON.stringify({ answers, additionals }) + "\n");
  mdns.destroy(() => process.exit(0));
};
const answered = () =>
  questions.every((q) => answers.some((a) => String(a.name).toLowerCase() === q.name.toLowerCase() && a.type === q.type));
mdns.on("response", (r: { answers?: Record<string, unknown>[]; additionals?: Record<string, unknown>[] }) => {
  answers.push(...(r.answers ?? []).map(plain));
  additionals.push(...(r.additionals ?? []).map(plain));
  if (answered()) done();
});
const group = { port: 5353, address: "224.0.0.251" };
mdns.on("ready", () => (unicast ? mdns.query({ id: 4242, questions } as never, group as never) : mdns.query({ questions } as never)));
setTimeout(done, wait);

/** Buffers (TXT data) as text, so the line is plain JSON. */
function plain(r: Record<string, unknown>): Record<string, unknown> {
  const data = Array.isArray(r.data) ? r.data.map((d) => (Buffer.isBuffer(d) ? d.toString() : d)) : r.data;
  return { ...r, data };
}
