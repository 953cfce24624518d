/**
 * A whole vault as its store holds it, for `blindfold migrate`: the document (metadata and every
 * record of every collection: secrets with their history, tombstones, tokens, state — ciphertext
 * and keyed hashes only), the revision at which each record last changed, and the audit trail's
 * entries and notices as written. Reading or writing one needs no key and decrypts nothing.
 */
import { BlindfoldError } from '../../errors.js';
import type { AuditEntry } from '../../audit/chain.js';
import { assertCurrentFormat, importIntoEmptyFile } from '../../store/file-import.js';
import { ABSENT, identityOf } from '../../store/file-io.js';
import { readWholeTrail, writeWholeTrail } from '../../store/audit/whole-trail.js';
import type { RecordRevisions } from '../../store/state.js';
import type { VaultFile } from '../schema.js';
import { VAULT_COLLECTIONS, vaultFileStore, vaultPostgresStore, type VaultStore } from '../store.js';
import type { VaultEnd } from './ends.js';

export interface WholeVault {
  document: VaultFile;
  revs: RecordRevisions;
  entries: AuditEntry[];
  notices: Array<Record<string, unknown>>;
}

/** What a copy carries, counted (never a value). */
export interface WholeCounts {
  revision: number;
  secrets: number;
  /** Stored values of every version: current ones and the kept history's. */
  versions: number;
  tombstones: number;
  tokens: number;
  state: number;
  auditEntries: number;
  auditNotices: number;
}

/** The store of an end, whatever BLINDFOLD_STORE says (each end names its own). */
export function storeOf(end: VaultEnd): VaultStore {
  return end.kind === 'file' ? vaultFileStore(end.vault) : vaultPostgresStore(end.url);
}

/**
 * The vault at `end` and its trail, or null where no vault is (a database without the schema
 * included). Read twice-checked: a change landing while the trail is read is refused, since the
 * trail's claims and the document would not pair.
 */
export async function readWhole(end: VaultEnd, given?: VaultStore): Promise<WholeVault | null> {
  const store = given ?? storeOf(end);
  try {
    return await readWith(end, store);
  } finally {
    // A store opened here is ours to close (a PostgreSQL pool); one given is its owner's.
    if (!given) await store.close();
  }
}

async function readWith(end: VaultEnd, store: VaultStore): Promise<WholeVault | null> {
  if (end.kind === 'file') {
    if (identityOf(end.vault) === ABSENT) return null;
    await assertCurrentFormat(end.vault);
  } else {
    const { schemaVersion } = await import('../../store/postgres/index.js');
    if ((await schemaVersion(end.url)) === 0) return null;
  }
  const { document, stamp } = await store.read();
  if (!document) return null;
  const trail = end.kind === 'file' ? readWholeTrail(end.audit) : await (await import('../../store/postgres/bulk.js')).readPostgresTrail(end.url);
  if (await store.changedSince(stamp)) {
    throw new BlindfoldError('VAULT_LOCKED', `the vault ${end.location} changed while it was read; stop what writes to it and run migrate again (nothing was copied)`);
  }
  const revs: RecordRevisions = {};
  for (const c of VAULT_COLLECTIONS) {
    revs[c] = Object.fromEntries(Object.keys(document[c] ?? {}).map((k) => [k, store.recordRevision(c, k)]));
  }
  return { document, revs, ...trail };
}

/** Whether two documents are the same vault in the same state, record for record (key order aside). */
export function sameDocument(a: WholeVault, b: WholeVault): boolean {
  const rest = (d: VaultFile) => Object.fromEntries(Object.entries(d).filter(([k]) => !(VAULT_COLLECTIONS as readonly string[]).includes(k)));
  if (!sameJson(rest(a.document), rest(b.document))) return false;
  return VAULT_COLLECTIONS.every((c) => sameJson(a.document[c] ?? {}, b.document[c] ?? {}) && sameJson(a.revs[c], b.revs[c]));
}

/** Whether `trail` begins with every entry of `source`, MAC for MAC (a destination may have gone on since). */
export function startsWith(trail: readonly AuditEntry[], source: readonly AuditEntry[]): boolean {
  return trail.length >= source.length && source.every((e, i) => trail[i]?.seq === e.seq && trail[i]?.mac === e.mac && sameJson(trail[i], e));
}

/**
 * Equal as JSON, whatever the key order (a file's document comes through the schema, PostgreSQL's
 * `json` as stored) and the objects' prototypes.
 */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}

export function countsOf(whole: WholeVault): WholeCounts {
  const secrets = Object.values(whole.document.secrets);
  return {
    revision: whole.document.revision,
    secrets: secrets.length,
    versions: secrets.reduce((n, s) => n + Object.keys(s.values).length + s.history.reduce((m, h) => m + Object.keys(h.values).length, 0), 0),
    tombstones: Object.values(whole.document.retired ?? {}).reduce((n, list) => n + list.length, 0),
    tokens: Object.keys(whole.document.tokens ?? {}).length,
    state: Object.keys(whole.document.state ?? {}).length,
    auditEntries: whole.entries.length,
    auditNotices: whole.notices.length,
  };
}

/**
 * Writes what the destination lacks. A file: the trail first, then the vault (each atomic), so a
 * vault file there means the copy reached its end. PostgreSQL: both in one transaction (bulk.ts),
 * the schema created first in a database that has none.
 */
export async function writeWhole(end: VaultEnd, whole: WholeVault, has: { vault: boolean; trail: boolean }): Promise<void> {
  if (end.kind === 'file') {
    if (!has.trail) await writeWholeTrail(end.audit, whole);
    if (!has.vault) await importIntoEmptyFile(end.vault, whole.document, whole.revs);
    return;
  }
  if (has.vault) return;
  const { initSchema, schemaVersion } = await import('../../store/postgres/index.js');
  if ((await schemaVersion(end.url)) === 0) await initSchema(end.url);
  const { importIntoEmptyDatabase } = await import('../../store/postgres/bulk.js');
  await importIntoEmptyDatabase(end.url, { ...whole, collections: VAULT_COLLECTIONS });
}
