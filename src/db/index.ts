/**
 * @module db
 * The persistence layer: open the SQLite file (migrated), the schema and its row types, the audit
 * log and its retention. Nothing here knows about HTTP; src/core never imports it.
 */
export { openDatabase, defaultDatabasePath, databasePathIn, isCompiled, DATABASE_FILE, type Db, type DatabaseHandle, type OpenOptions } from "./open.ts";
export { applyMigrations, embeddedMigrations, MIGRATIONS_TABLE, type Migration } from "./migrate.ts";
export { audit, queryAudit, pruneAudit, AUDIT_COUNT_CAP, AUDIT_SCAN_ROWS, type AuditActor, type AuditEntry, type AuditQuery, type AuditPage } from "./audit.ts";
export { applyAuditRetention, startAuditRetention, auditRetention, DEFAULT_AUDIT_RETENTION, type AuditRetention } from "./audit-retention.ts";
export * from "./schema.ts";
