/**
 * The vault's document over the store seam (src/store): what a vault must look like to be opened,
 * how it is split for storage (metadata, then one record per secret and per secret's tombstones),
 * and the embedded default store that keeps it. Anything that fails the schema is refused with a
 * message saying it was left untouched.
 */
import { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import { FileStore } from '../store/file.js';
import { ABSENT, identityOf } from '../store/file-io.js';
import { MemoryStore } from '../store/memory.js';
import { redactedLocation, type PostgresOptions } from '../store/postgres/connection.js';
import { PostgresStore } from '../store/postgres/store.js';
import { parseSnapshot } from '../store/snapshot.js';
import type { SecretStore } from '../store/secret-store.js';
import { lazilyCheckedRecords } from './lazy-records.js';
import { SECRET_NAME_RULE, STATE_NAME_RULE, TOKEN_NAME_RULE } from './names.js';
import { secretRecordSchema, tokenRecordSchema, tombstoneListSchema, vaultFileSchema, vaultFileShellSchema, type VaultFile } from './schema.js';

/** Where a vault's document lives: the file by default, memory in tests, PostgreSQL for several servers. */
export type VaultStore = SecretStore<VaultFile>;

/** The vault's keyed collections: each secret's record, each name's tombstones (apart, so they outlive `rm`), each agent token. */
export const VAULT_COLLECTIONS = ['secrets', 'retired', 'tokens', 'state'] as const;

/**
 * When each secret record is checked against the schema: all at open (the default), or each on its
 * first read (lazy-records.ts), for a server whose start should not wait for 10,000 checks (B4).
 * Either way a record that fails is never used, and the failure is VAULT_CORRUPT.
 */
export type RecordCheck = 'at-open' | 'on-first-read';

const HINT = 'it was left untouched; restore it from a backup, or move it aside to start a new vault';

/** The embedded default: the file at `path` (one instance per process and file). */
export function vaultFileStore(path: string, recordCheck: RecordCheck = 'at-open', onMigrated?: (backup: string) => void): VaultStore {
  const refuse = (where: string) =>
    new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is not a valid Blindfold vault (at ${where}); ${HINT}`);
  return new FileStore<VaultFile>(path, {
    collections: VAULT_COLLECTIONS,
    checkDocument: (raw) => checkVaultDocument(raw, refuse, recordCheck),
    ...storedChecks(refuse),
    ...(onMigrated ? { onMigrated } : {}),
  });
}

/**
 * The vault in PostgreSQL at `url` (issue 22: several team servers on one database). Each record
 * read from the database passes the same checks as a journal line of the file. `url` may carry a
 * password: it goes to the driver only (the store's `location` is the URL without it).
 */
export function vaultPostgresStore(url: string, options: PostgresOptions = {}): VaultStore {
  const location = redactedLocation(url);
  const refuse = (where: string) =>
    new BlindfoldError('VAULT_CORRUPT', `the vault in ${location} is not a valid Blindfold vault (at ${where}); it was left untouched; restore it from a backup`);
  return new PostgresStore<VaultFile>(url, { ...options, collections: VAULT_COLLECTIONS, ...storedChecks(refuse) });
}

/** The checks of a record and of the metadata read back from storage, whatever the backend. */
function storedChecks(refuse: (where: string) => BlindfoldError) {
  return {
    checkRecord: (collection: string, key: string, record: unknown) => {
      // A key is a secret name, as in the snapshot (schema.ts): "__proto__" would set a prototype.
      if (!(collection === 'tokens' ? TOKEN_NAME_RULE : collection === 'state' ? STATE_NAME_RULE : SECRET_NAME_RULE).test(key)) throw refuse(collection);
      // A `state` record is checked by the cell that reads it (store-cell.ts), against its own schema.
      if (collection === 'state') return record;
      const schema = collection === 'secrets' ? secretRecordSchema : collection === 'retired' ? tombstoneListSchema : tokenRecordSchema;
      return checked<unknown>(schema, record, (where) => refuse(`${collection}.${key}${where === '(top level)' ? '' : `.${where}`}`));
    },
    checkMeta: (meta: Record<string, unknown>) => {
      const { secrets: _s, retired: _r, tokens: _t, state: _st, ...rest } = checked(vaultFileShellSchema, { ...meta, revision: 0, secrets: {}, retired: {}, tokens: {}, state: {} }, refuse);
      return rest;
    },
  };
}

/** Whether a vault file is at `path` (a command that reads no secret still tells a wrong home from an empty one). */
export function vaultFileExists(path: string): boolean {
  return identityOf(path) !== ABSENT;
}

/** A store in this process only (tests): the same collections as the file. */
export function vaultMemoryStore(initial: VaultFile | null = null): VaultStore {
  return new MemoryStore<VaultFile>({ initial, collections: VAULT_COLLECTIONS });
}

/** A vault file's text as a document: a snapshot's, or a whole file of the previous release. */
export function parseVaultText(text: string, path: string, recordCheck: RecordCheck = 'at-open'): VaultFile {
  const refuse = (where: string) =>
    new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is not a valid Blindfold vault (at ${where}); ${HINT}`);
  const content = parseSnapshot(text, path);
  if (content.kind === 'legacy') return checkVaultDocument(content.document, refuse, recordCheck);
  const document = checkVaultDocument(content.snapshot.document, refuse, recordCheck);
  document.revision = content.snapshot.revision;
  return document;
}

function checkVaultDocument(parsed: unknown, refuse: (where: string) => BlindfoldError, recordCheck: RecordCheck): VaultFile {
  if (recordCheck === 'at-open') return checked(vaultFileSchema, parsed, refuse);
  const shell = checked(vaultFileShellSchema, parsed, refuse);
  return { ...shell, secrets: lazilyCheckedRecords(shell.secrets, secretRecordSchema, refuse) };
}

function checked<T>(schema: z.ZodType<T>, parsed: unknown, refuse: (where: string) => BlindfoldError): T {
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw refuse(issue ? issue.path.join('.') || '(top level)' : '');
  }
  return result.data;
}
