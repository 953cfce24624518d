/**
 * Earlier versions of a secret: the last HISTORY_LIMIT are kept, each with the ciphertexts it had,
 * for `history` and `rollback`. No I/O here.
 */
import { BlindfoldError } from '../errors.js';
import { notFound } from './names.js';
import { HISTORY_LIMIT, type SecretRecord, type VaultFile } from './schema.js';

export interface HistoryInfo {
  version: number;
  updatedAt: string;
  environments: string[];
  current: boolean;
}

/** Moves the record's current values into its history, dropping the oldest beyond the limit. */
export function keepCurrentVersion(record: SecretRecord): void {
  record.history.push({ version: record.version, updatedAt: record.updatedAt, values: { ...record.values } });
  record.history = record.history.slice(-HISTORY_LIMIT);
}

/** Makes a kept version current again, as a new version; returns the changed record. */
export function applyRollback(file: VaultFile, name: string, toVersion: number, now: string): SecretRecord {
  const record = file.secrets[name];
  if (!record) throw notFound(name, Object.keys(file.secrets));
  const target = record.history.find((h) => h.version === toVersion);
  if (!target) {
    const kept = record.history.map((h) => h.version).join(', ') || 'none';
    throw new BlindfoldError(
      'VERSION_NOT_FOUND',
      `${name} has no stored version ${toVersion} (current ${record.version}; earlier versions kept: ${kept})`,
    );
  }
  keepCurrentVersion(record);
  // Ciphertexts carry the version they were written at in their own binding, so they move as-is.
  record.values = structuredClone(target.values);
  record.version += 1;
  record.updatedAt = now;
  return record;
}

export function historyOf(record: SecretRecord): HistoryInfo[] {
  return [
    { version: record.version, updatedAt: record.updatedAt, environments: Object.keys(record.values).sort(), current: true },
    ...[...record.history]
      .reverse()
      .map((h) => ({ version: h.version, updatedAt: h.updatedAt, environments: Object.keys(h.values).sort(), current: false })),
  ];
}
