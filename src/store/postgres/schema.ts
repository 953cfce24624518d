/**
 * The PostgreSQL store's schema, as numbered migrations (issue 22). They run only when asked —
 * `blindfold init --store URL` and `blindfold upgrade` call `migrate` — never implicitly by a
 * serving instance, which only checks the recorded version (`checkSchema`) and refuses one it does
 * not match: older (run the upgrade), or newer than this release knows (a newer instance upgraded
 * the database; this one could misread it). Migrations run in one transaction under a fixed-key
 * advisory lock, so two instances upgrading at once apply each migration once.
 *
 * The store's tables (ciphertext only: the vault hands the store what it would write to the file):
 *   blindfold_vault     one row: the store-wide revision, the document's metadata (NULL: no vault
 *                       yet), the revision at which it last changed, and `head`, the random id of
 *                       the last change: a database restored from a backup and written again reuses
 *                       revision numbers, never ids, so an instance notices it. Writers lock this row.
 *   blindfold_records   one row per record per collection (secrets, retired, tokens, state), with
 *                       the revision at which it last changed; a deleted record keeps its row with
 *                       a NULL record, so per-record compare-and-set still knows when it went.
 *   blindfold_changes   the change feed: per revision, the keys it changed and whether the metadata
 *                       did, so an instance that was away catches up by reading what it missed.
 *   blindfold_audit     the audit trail: one row per chained entry (audit-trail.ts); notices (no key:
 *                       a sealed vault's refusals) in blindfold_audit_notices.
 * Records are `json`, not `jsonb`: stored as handed over, key order included.
 */
import { BlindfoldError } from '../../errors.js';
import type { PostgresConnection } from './connection.js';

/** pg_advisory_xact_lock key for migrations: "blindfol" in ASCII, fixed so every release takes the same lock. */
const MIGRATION_LOCK = '7092159436053442412';

const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE blindfold_vault (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        revision bigint NOT NULL DEFAULT 0,
        meta json,
        meta_revision bigint NOT NULL DEFAULT 0,
        head text NOT NULL DEFAULT ''
      );
      INSERT INTO blindfold_vault DEFAULT VALUES;
      CREATE TABLE blindfold_records (
        collection text NOT NULL,
        key text NOT NULL,
        revision bigint NOT NULL,
        record json,
        PRIMARY KEY (collection, key)
      );
      CREATE INDEX blindfold_records_by_revision ON blindfold_records (revision);
      CREATE TABLE blindfold_changes (
        revision bigint PRIMARY KEY,
        change_id text NOT NULL,
        records json NOT NULL,
        meta boolean NOT NULL,
        committed_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    // The audit trail (audit-trail.ts): one row per entry, as MAC'd; notices outside the chain apart.
    version: 2,
    sql: `
      CREATE TABLE blindfold_audit (
        seq bigint PRIMARY KEY,
        entry json NOT NULL
      );
      CREATE TABLE blindfold_audit_notices (
        id bigserial PRIMARY KEY,
        notice json NOT NULL
      );`,
  },
  {
    // Tokens' rates (rates.ts), counted here so they hold across every instance: a bucket per principal.
    version: 3,
    sql: `
      CREATE TABLE blindfold_rates (
        principal text PRIMARY KEY,
        tokens double precision NOT NULL,
        at timestamptz NOT NULL
      );
      -- A role that writes the vault's records (README's least-privilege role, by any name) counts
      -- rates too: without this, an upgraded database refused its rated calls until a GRANT by hand.
      DO $grant$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
                 WHERE c.oid = 'blindfold_records'::regclass AND a.privilege_type = 'UPDATE' AND a.grantee <> 0 AND a.grantee <> c.relowner LOOP
          EXECUTE format('GRANT SELECT, INSERT, UPDATE ON blindfold_rates TO %I', pg_get_userbyid(r.grantee));
        END LOOP;
      END
      $grant$;`,
  },
];

/** The schema version this release reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS blindfold_schema_version (
  version integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** The version recorded in the database (0: no Blindfold schema there). */
export async function recordedVersion(connection: PostgresConnection): Promise<number> {
  const rows = await connection.query<{ version: number | null }>(
    'reading the schema version',
    `SELECT CASE WHEN to_regclass('blindfold_schema_version') IS NULL THEN 0 ELSE 1 END AS version`,
  );
  if (!rows[0]?.version) return 0;
  const [row] = await connection.query<{ version: number | null }>('reading the schema version', 'SELECT max(version) AS version FROM blindfold_schema_version');
  return row?.version ?? 0;
}

/** Refuses a database this release cannot serve; never changes it. */
export async function checkSchema(connection: PostgresConnection): Promise<void> {
  const version = await recordedVersion(connection);
  if (version === SCHEMA_VERSION) return;
  if (version === 0) {
    throw new BlindfoldError('STORE_SCHEMA_MISMATCH', `the store ${connection.location} has no Blindfold schema; create it with \`blindfold init --store\``);
  }
  if (version > SCHEMA_VERSION) throw newer(connection.location, version);
  throw new BlindfoldError(
    'STORE_SCHEMA_MISMATCH',
    `the store ${connection.location} has schema version ${version}, older than this release's ${SCHEMA_VERSION}; run \`blindfold upgrade\` (a serving instance never migrates it)`,
  );
}

/**
 * Creates or upgrades the schema to this release's version; a database already newer is refused.
 * Returns the version found and the version now recorded.
 */
export async function migrate(connection: PostgresConnection): Promise<{ from: number; to: number }> {
  return connection.withClient('migrating the schema', async (client) => {
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
      await client.query(VERSION_TABLE);
      const found = (await client.query<{ version: number | null }>('SELECT max(version) AS version FROM blindfold_schema_version')).rows[0]?.version ?? 0;
      if (found > SCHEMA_VERSION) throw newer(connection.location, found);
      for (const migration of MIGRATIONS) {
        if (migration.version <= found) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO blindfold_schema_version (version) VALUES ($1)', [migration.version]);
      }
      await client.query('COMMIT');
      return { from: found, to: SCHEMA_VERSION };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw connection.translate(err, 'migrating the schema');
    }
  });
}

function newer(location: string, version: number): BlindfoldError {
  return new BlindfoldError(
    'STORE_SCHEMA_MISMATCH',
    `the store ${location} has schema version ${version}, newer than this release knows (${SCHEMA_VERSION}); upgrade Blindfold on this machine before using it`,
  );
}
