/**
 * The vault's document over the store seam (src/store): what a vault file must look like to be
 * opened, and the embedded default store that keeps it. A file that fails the schema is refused
 * with a message saying it was left untouched.
 */
import { BlindfoldError } from '../errors.js';
import { FileStore } from '../store/file.js';
import type { SecretStore } from '../store/secret-store.js';
import { vaultFileSchema, type VaultFile } from './schema.js';

/** Where a vault's document lives: the file by default, memory in tests, PostgreSQL later. */
export type VaultStore = SecretStore<VaultFile>;

/** The embedded default: the lowdb file at `path` (one instance per process and file). */
export function vaultFileStore(path: string): VaultStore {
  return new FileStore(path, parseVaultText);
}

export function parseVaultText(text: string, path: string): VaultFile {
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
  const result = vaultFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join('.') || '(top level)' : '';
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is not a valid Blindfold vault (at ${where}); ${hint}`);
  }
  return result.data;
}
