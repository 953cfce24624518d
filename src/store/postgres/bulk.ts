/**
 * A whole vault moved into or out of PostgreSQL (`blindfold migrate`, issue 22 item 3): the
 * document's rows and the audit trail's, as stored (ciphertext, and entries as MAC'd).
 *
 * The import writes into an empty database only, in ONE transaction: the vault row (metadata and
 * the source's revision), every record with the revision at which it last changed, one change-feed
 * entry naming them all, every audit entry with its seq, every notice. A copy cut off anywhere
 * (kill -9, a lost connection) leaves the database as empty as it was, so running it again starts
 * over; a database holding anything is refused, so two vaults are never merged. The revision is
 * kept rather than replayed as new changes so that the audit entries' claims (each names the store
 * revision its change landed as) still pair with the store on the destination.
 */
import { randomUUID } from 'node:crypto';
import { BlindfoldError } from '../../errors.js';
import type { AuditEntry } from '../../audit/chain.js';
import type { StoreDocument } from '../secret-store.js';
import type { RecordRevisions } from '../state.js';
import { AUDIT_LOCK } from './audit-trail.js';
import { PostgresConnection } from './connection.js';

export interface WholeRows {
  document: StoreDocument;
  revs: RecordRevisions;
  collections: readonly string[];
  entries: AuditEntry[];
  notices: Array<Record<string, unknown>>;
}

/** The audit rows of the database at `url`, entries in seq order and notices in the order written. */
export async function readPostgresTrail(url: string): Promise<Pick<WholeRows, 'entries' | 'notices'>> {
  const connection = new PostgresConnection(url, { poolSize: 1 });
  try {
    return await connection.withClient('reading the audit trail', async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const entries = (await client.query<{ entry: AuditEntry }>('SELECT entry FROM blindfold_audit ORDER BY seq')).rows.map((r) => r.entry);
      const notices = (await client.query<{ notice: Record<string, unknown> }>('SELECT notice FROM blindfold_audit_notices ORDER BY id')).rows.map((r) => r.notice);
      await client.query('COMMIT');
      return { entries, notices };
    });
  } catch (err) {
    throw connection.translate(err, 'reading the audit trail');
  } finally {
    await connection.close();
  }
}

/** Writes `whole` into the empty database at `url` (its schema in place), all or nothing. */
export async function importIntoEmptyDatabase(url: string, whole: WholeRows): Promise<void> {
  const connection = new PostgresConnection(url, { poolSize: 1 });
  const doing = 'copying the vault in';
  try {
    await connection.withClient(doing, async (client) => {
      const query = async (text: string, values: unknown[] = []) => (await client.query(text, values)).rows;
      try {
        await query('BEGIN');
        // The locks every writer takes (the vault's row, the chain's advisory lock): nobody writes the vault or appends meanwhile.
        const [vault] = await query('SELECT revision, meta IS NULL AS empty FROM blindfold_vault FOR UPDATE');
        await query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK]);
        const [held] = await query(
          `SELECT (SELECT count(*) FROM blindfold_records)::int + (SELECT count(*) FROM blindfold_changes)::int
                + (SELECT count(*) FROM blindfold_audit)::int + (SELECT count(*) FROM blindfold_audit_notices)::int AS n`,
        );
        if (!vault?.empty || Number(vault.revision) !== 0 || held?.n !== 0) {
          throw new BlindfoldError('VERSION_CONFLICT', `the store ${connection.location} is not empty; nothing was written`);
        }
        await insertRecords(query, whole);
        await insertTrail(query, whole);
        await query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  } catch (err) {
    throw connection.translate(err, doing);
  } finally {
    await connection.close();
  }
}

type Query = (text: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>;

async function insertRecords(query: Query, { document, revs, collections }: WholeRows): Promise<void> {
  const doc = document as unknown as Record<string, unknown>;
  const [cs, ks, rs, records]: [string[], string[], number[], (string | null)[]] = [[], [], [], []];
  const named: Record<string, string[]> = {};
  for (const c of collections) {
    const held = (doc[c] ?? {}) as Record<string, unknown>;
    // A record deleted at the source keeps its row (NULL), as a delete leaves it: per-record compare-and-set still knows when it went.
    const keys = new Set([...Object.keys(held), ...Object.keys(revs[c] ?? {})]);
    named[c] = [...keys];
    for (const k of keys) {
      cs.push(c);
      ks.push(k);
      rs.push(revs[c]?.[k] ?? document.revision);
      records.push(Object.hasOwn(held, k) ? JSON.stringify(held[k]) : null);
    }
  }
  await query(
    `INSERT INTO blindfold_records (collection, key, revision, record)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::json[])`,
    [cs, ks, rs, records],
  );
  const meta = Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'revision' && !collections.includes(k)));
  const head = randomUUID();
  await query('UPDATE blindfold_vault SET revision = $1, meta = $2::json, meta_revision = $1, head = $3', [document.revision, JSON.stringify(meta), head]);
  // One feed entry for the revision reached: an instance that reads it learns every record and the metadata changed.
  await query('INSERT INTO blindfold_changes (revision, change_id, records, meta) VALUES ($1, $2, $3, true)', [document.revision, head, JSON.stringify(named)]);
}

async function insertTrail(query: Query, { entries, notices }: WholeRows): Promise<void> {
  await query('INSERT INTO blindfold_audit (seq, entry) SELECT * FROM unnest($1::bigint[], $2::json[])', [entries.map((e) => e.seq), entries.map((e) => JSON.stringify(e))]);
  await query('INSERT INTO blindfold_audit_notices (notice) SELECT * FROM unnest($1::json[])', [notices.map((n) => JSON.stringify(n))]);
}
