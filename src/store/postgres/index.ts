/**
 * The PostgreSQL backend's entry points (issue 22): the store, and the explicit schema set-up the
 * CLI's `init --store` and `upgrade` call (a serving store never migrates; it refuses a schema it
 * does not match). Importing this module does not load `pg`: the driver comes with the first query.
 */
import { PostgresConnection, redactedLocation, type PostgresOptions } from './connection.js';
import { migrate, recordedVersion, SCHEMA_VERSION } from './schema.js';

import { PostgresAuditTrail, type PostgresAuditOptions } from './audit-trail.js';

export { PostgresStore, type PostgresStoreOptions } from './store.js';
export { PostgresAuditTrail, type PostgresAuditOptions };
export { postgresHomeState, type PostgresHomeState } from './home.js';

/** The audit trail in the database at `url`, its rows read (a connection of its own, ended by `close`). */
export async function openAuditTrail(url: string, options: PostgresAuditOptions & PostgresOptions): Promise<PostgresAuditTrail> {
  return PostgresAuditTrail.open(new PostgresConnection(url, options), options, true);
}
export { redactedLocation, SCHEMA_VERSION, type PostgresOptions };

/** Creates the schema in an empty database, or upgrades an older one; refuses a newer one (STORE_SCHEMA_MISMATCH). */
export async function initSchema(url: string, options: PostgresOptions = {}): Promise<{ from: number; to: number }> {
  const connection = new PostgresConnection(url, { ...options, poolSize: 1 });
  try {
    return await migrate(connection);
  } finally {
    await connection.close();
  }
}

/** The schema version recorded in the database (0: none), without changing anything. */
export async function schemaVersion(url: string, options: PostgresOptions = {}): Promise<number> {
  const connection = new PostgresConnection(url, { ...options, poolSize: 1 });
  try {
    return await recordedVersion(connection);
  } finally {
    await connection.close();
  }
}
