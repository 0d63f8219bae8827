/**
 * drizzle-kit's configuration: `src/db/schema.ts` is the source, `db/migrations/` the generated
 * (committed, never hand-edited) SQL. Run `bun run scripts/db-generate.ts`, which also refreshes
 * the embedded migration list in `src/db/migrations.ts`.
 */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./db/migrations",
  strict: true,
  verbose: true,
});
