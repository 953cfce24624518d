/**
 * The vault's document over the store seam (src/store): what a vault file must look like to be
 * opened, and the embedded default store that keeps it. A file that fails the schema is refused
 * with a message saying it was left untouched.
 */
import type { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import { FileStore } from '../store/file.js';
import type { SecretStore } from '../store/secret-store.js';
import { lazilyCheckedRecords } from './lazy-records.js';
import { secretRecordSchema, vaultFileSchema, vaultFileShellSchema, type VaultFile } from './schema.js';

/** Where a vault's document lives: the file by default, memory in tests, PostgreSQL later. */
export type VaultStore = SecretStore<VaultFile>;

/**
 * When each secret record is checked against the schema: all at open (the default), or each on its
 * first read (lazy-records.ts), for a server whose start should not wait for 10,000 checks (B4).
 * Either way a record that fails is never used, and the failure is VAULT_CORRUPT.
 */
export type RecordCheck = 'at-open' | 'on-first-read';

/** The embedded default: the lowdb file at `path` (one instance per process and file). */
export function vaultFileStore(path: string, recordCheck: RecordCheck = 'at-open'): VaultStore {
  return new FileStore(path, (text, at) => parseVaultText(text, at, recordCheck));
}

export function parseVaultText(text: string, path: string, recordCheck: RecordCheck = 'at-open'): VaultFile {
  const hint = 'it was left untouched; restore it from a backup, or move it aside to start a new vault';
  if (text.trim() === '') {
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is empty; ${hint}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is not valid JSON (truncated or damaged); ${hint}`);
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} holds ${JSON.stringify(parsed)} instead of a vault; ${hint}`);
  }
  const refuse = (where: string) =>
    new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is not a valid Blindfold vault (at ${where}); ${hint}`);
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
