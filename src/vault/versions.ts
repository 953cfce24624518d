/**
 * Earlier versions of a secret: the last HISTORY_LIMIT are kept, each with the ciphertexts it had,
 * for `history` and `rollback`. No I/O here.
 */
import { BlindfoldError } from '../errors.js';
import { notFound } from './names.js';
import { HISTORY_LIMIT, type SecretRecord, type StoredEncryptedValue, type VaultFile } from './schema.js';

/**
 * Values leaving a record, each once, as [environment, stored value, public]: what becomes a
 * tombstone, public only if the version it left from was.
 */
export type Leaving = Array<[string, StoredEncryptedValue, boolean]>;

/** A record's versions as value holders, each with whether it was public: the current one first. */
export function versionsOf(record: SecretRecord): Array<{ values: Record<string, StoredEncryptedValue>; public: boolean }> {
  return [{ values: record.values, public: record.policy.public === true }, ...record.history.map((h) => ({ values: h.values, public: h.public === true }))];
}

/** Retires values leaving a record (their fingerprints stay behind as tombstones: plaintext.ts). */
export type Retire = (file: VaultFile, record: SecretRecord, leaving: Leaving) => void;

export interface HistoryInfo {
  version: number;
  updatedAt: string;
  environments: string[];
  current: boolean;
}

/**
 * Moves the record's current values into its history, dropping the oldest beyond the limit;
 * returns the values that left the record with them (a value kept by a newer version stays).
 */
export function keepCurrentVersion(record: SecretRecord): Leaving {
  record.history.push({ version: record.version, updatedAt: record.updatedAt, ...(record.policy.public ? { public: true } : {}), values: { ...record.values } });
  const dropped = record.history.slice(0, -HISTORY_LIMIT);
  record.history = record.history.slice(-HISTORY_LIMIT);
  const kept = new Set([record.values, ...record.history.map((h) => h.values)].flatMap((holder) => Object.values(holder).map((v) => v.ct)));
  return distinctValues(dropped.map((h) => ({ values: h.values, public: h.public === true }))).filter(([, v]) => !kept.has(v.ct));
}

/**
 * Every value of these versions once (an unchanged environment's value sits in several versions),
 * public only if every version holding it was.
 */
export function distinctValues(versions: Array<{ values: Record<string, StoredEncryptedValue>; public: boolean }>): Leaving {
  const seen = new Map<string, [string, StoredEncryptedValue, boolean]>();
  for (const version of versions) {
    for (const [env, value] of Object.entries(version.values)) {
      const known = seen.get(value.ct);
      if (known) known[2] &&= version.public;
      else seen.set(value.ct, [env, value, version.public]);
    }
  }
  return [...seen.values()];
}

/** Makes a kept version current again, as a new version; returns the changed record. */
export function applyRollback(file: VaultFile, name: string, toVersion: number, now: string, retire: Retire): SecretRecord {
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
  retire(file, record, keepCurrentVersion(record));
  // Ciphertexts carry the version they were written at in their own binding, so they move as-is;
  // the version comes back public only if it was.
  record.values = structuredClone(target.values);
  if (target.public) record.policy.public = true;
  else delete record.policy.public;
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
