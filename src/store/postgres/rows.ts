/**
 * Reading the PostgreSQL store's tables into the state every store keeps in memory (state.ts), and
 * writing one change's rows. Two ways to catch up: the whole vault (at open, or when this instance
 * is too far behind for the change feed to be worth reading), or the changes after the revision it
 * has, from the change feed — so a running server applies a change by reading the rows it touched,
 * not 10,000 records. Callers provide the consistency: a writer reads under the vault's row lock, a
 * reader in one REPEATABLE READ transaction.
 */
import { BlindfoldError } from '../../errors.js';
import type { PreparedChange } from '../journal.js';
import type { StoreDocument } from '../secret-store.js';
import { StoreState, type RecordCheck, type RecordRevisions } from '../state.js';

/** Runs one statement and gives its rows (errors already translated). */
export type Query = <R extends Record<string, unknown>>(text: string, values?: unknown[]) => Promise<R[]>;

/** Behind by more than this many changes: reload the whole vault rather than read the feed. */
const FEED_REACH = 256;

export interface RowChecks {
  collections: readonly string[];
  checkRecord?: RecordCheck;
  checkMeta?: (meta: Record<string, unknown>) => Record<string, unknown>;
}

interface VaultRow extends Record<string, unknown> {
  revision: string;
  head: string;
  meta: Record<string, unknown> | null;
}

/** Where an instance stands: the revision it has and the id of the change that made it ('' for none). */
export interface Position {
  revision: number;
  head: string;
}

/** A position as a stamp (SecretStore.changedSince). */
export const stampOf = (p: Position): string => `${p.revision}:${p.head}`;

interface RecordRow extends Record<string, unknown> {
  collection: string;
  key: string;
  revision: string;
  record: unknown;
}

/**
 * What a catch-up found: nothing new, the changes after `from` (each with its id), or the whole
 * vault — `rewound` when the database is not a continuation of what this instance has (restored
 * from a backup): then the whole vault replaces the state, even at a lower revision.
 */
export type CatchUp<D extends StoreDocument> =
  | { kind: 'current' }
  | { kind: 'changes'; changes: Array<{ change: PreparedChange; id: string }> }
  | { kind: 'whole'; state: StoreState<D> | null; head: string; rewound: boolean };

/** Where the database stands (cheap: one row by primary key). */
export async function storedPosition(query: Query): Promise<Position> {
  const [row] = await query<VaultRow>('SELECT revision, head FROM blindfold_vault');
  if (!row) throw damaged('its vault row is missing');
  return { revision: Number(row.revision), head: row.head };
}

/** What landed after `from` (null: this instance has nothing yet, read the whole vault). */
export async function catchUp<D extends StoreDocument>(query: Query, from: Position | null, checks: RowChecks): Promise<CatchUp<D>> {
  const [vault] = await query<VaultRow>('SELECT revision, head, meta FROM blindfold_vault');
  if (!vault) throw damaged('its vault row is missing');
  const revision = Number(vault.revision);
  const whole = async (rewound: boolean): Promise<CatchUp<D>> => ({ kind: 'whole', state: await wholeVault<D>(query, vault, checks), head: vault.head, rewound });
  if (from !== null && revision === from.revision && vault.head === from.head) return { kind: 'current' };
  if (from === null) return whole(false);
  if (from.revision >= revision) return whole(true); // behind what we have, or the same revision by another change
  if (revision - from.revision > FEED_REACH) return whole(false);
  // From the change we have on: its id must be ours, or the database took another path since.
  const feed = await query<{ revision: string; change_id: string; records: Record<string, string[]>; meta: boolean }>(
    'SELECT revision, change_id, records, meta FROM blindfold_changes WHERE revision >= $1 AND revision <= $2 ORDER BY revision',
    [from.revision, revision],
  );
  if (from.revision > 0 && feed[0]?.change_id !== from.head) return whole(true);
  const after = feed.filter((entry) => Number(entry.revision) > from.revision);
  // A feed with a hole (pruned, or edited by hand) cannot say what changed: read everything.
  if (after.length !== revision - from.revision) return whole(false);
  const rows = await query<RecordRow>('SELECT collection, key, revision, record FROM blindfold_records WHERE revision > $1 AND revision <= $2', [from.revision, revision]);
  const current = new Map(rows.map((r) => [`${r.collection}\u0000${r.key}`, r]));
  const changes = after.map((entry) => {
    const records: PreparedChange['records'] = {};
    for (const [collection, keys] of Object.entries(entry.records)) {
      records[collection] = {};
      for (const key of keys) {
        // A record changed again later carries its latest value here already: applied in order, the end state is the same.
        const row = current.get(`${collection}\u0000${key}`);
        if (!row) throw damaged(`the change feed names ${collection} ${key} at revision ${entry.revision}, and no such record changed then`);
        records[collection][key] = row.record ?? null;
      }
    }
    const change: PreparedChange = { revision: Number(entry.revision), records, ...(entry.meta ? { meta: vault.meta ?? {} } : {}) };
    return { change, id: entry.change_id };
  });
  return { kind: 'changes', changes };
}

async function wholeVault<D extends StoreDocument>(query: Query, vault: VaultRow, checks: RowChecks): Promise<StoreState<D> | null> {
  if (vault.meta === null) return null;
  const revision = Number(vault.revision);
  const meta = checks.checkMeta ? checks.checkMeta(vault.meta) : vault.meta;
  const document: Record<string, unknown> = { ...meta, revision };
  const revs: RecordRevisions = {};
  for (const c of checks.collections) {
    document[c] = {};
    revs[c] = {};
  }
  const rows = await query<RecordRow>('SELECT collection, key, revision, record FROM blindfold_records WHERE revision <= $1', [revision]);
  for (const row of rows) {
    if (!checks.collections.includes(row.collection)) continue;
    if (row.key === '__proto__') throw damaged(`a record is keyed "__proto__" in ${row.collection}`);
    revs[row.collection]![row.key] = Number(row.revision);
    if (row.record === null) continue;
    (document[row.collection] as Record<string, unknown>)[row.key] = checks.checkRecord ? checks.checkRecord(row.collection, row.key, row.record) : row.record;
  }
  return new StoreState(document as unknown as D, checks.collections, revs);
}

/** Writes one prepared change: its records, the vault row, and its entry in the change feed. */
export async function writeChange(query: Query, change: PreparedChange, changeId: string): Promise<void> {
  const collections: string[] = [];
  const keys: string[] = [];
  const records: (string | null)[] = [];
  const named: Record<string, string[]> = {};
  for (const [collection, byKey] of Object.entries(change.records)) {
    named[collection] = Object.keys(byKey);
    for (const [key, record] of Object.entries(byKey)) {
      collections.push(collection);
      keys.push(key);
      records.push(record === null ? null : JSON.stringify(record));
    }
  }
  if (keys.length > 0) {
    await query(
      `INSERT INTO blindfold_records (collection, key, revision, record)
       SELECT c, k, $4, r FROM unnest($1::text[], $2::text[], $3::json[]) AS t(c, k, r)
       ON CONFLICT (collection, key) DO UPDATE SET revision = excluded.revision, record = excluded.record`,
      [collections, keys, records, change.revision],
    );
  }
  const meta = change.meta === undefined ? null : JSON.stringify(change.meta);
  await query(
    `UPDATE blindfold_vault SET revision = $1, head = $3,
       meta = CASE WHEN $2::json IS NULL THEN meta ELSE $2::json END,
       meta_revision = CASE WHEN $2::json IS NULL THEN meta_revision ELSE $1 END`,
    [change.revision, meta, changeId],
  );
  await query('INSERT INTO blindfold_changes (revision, change_id, records, meta) VALUES ($1, $2, $3, $4)', [
    change.revision,
    changeId,
    JSON.stringify(named),
    change.meta !== undefined,
  ]);
}

function damaged(what: string): BlindfoldError {
  return new BlindfoldError('VAULT_CORRUPT', `the PostgreSQL store is damaged (${what}); it was left untouched; restore it from a backup`);
}
