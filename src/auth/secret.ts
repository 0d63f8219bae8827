/**
 * @module auth/secret
 * Server secrets, generated once (32 random bytes) and kept in the database so they survive
 * restarts: CSRF tokens issued before a restart stay valid. Concurrent first starts agree on one
 * value (INSERT OR IGNORE, then read). Never logged, never returned by any other module.
 */

import { eq } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { secrets } from "../db/schema.ts";
import { randomBase64url } from "./tokens.ts";

/** The named secret's bytes, created on first use. */
export function loadSecret(db: Db, name: string): Buffer {
  db.insert(secrets)
    .values({ name, value: randomBase64url(32), createdAt: new Date() })
    .onConflictDoNothing()
    .run();
  const row = db.select({ value: secrets.value }).from(secrets).where(eq(secrets.name, name)).get();
  return Buffer.from(row!.value, "base64url");
}
