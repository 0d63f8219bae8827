import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

// The layering of DESIGN.md section 5: the core knows nothing of persistence, and the persistence
// and access layer knows nothing of HTTP servers.
const src = resolve(import.meta.dir, "../../src");
const files = (dir: string): string[] =>
  readdirSync(join(src, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(src, dir, f));
const importsOf = (file: string) => [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);

test("src/core imports nothing from src/db, src/auth, SQLite or Drizzle", () => {
  const bad = files("core").flatMap((f) =>
    importsOf(f)
      .filter((i) => /(^|\/)(db|auth)(\/|$)|bun:sqlite|drizzle/.test(i))
      .map((i) => `${f}: ${i}`),
  );
  expect(bad).toEqual([]);
});

test("src/db and src/auth import no HTTP server and no server code", () => {
  const bad = [...files("db"), ...files("auth")].flatMap((f) =>
    importsOf(f)
      .filter((i) => /^elysia|(^|\/)server(\/|$)|(^|\/)app(\.ts)?$/.test(i))
      .map((i) => `${f}: ${i}`),
  );
  expect(bad).toEqual([]);
});
