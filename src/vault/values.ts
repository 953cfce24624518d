/**
 * Walking every stored value of a vault: each secret's every environment, current and kept
 * versions. Re-wrapping, redaction indexing and integrity checks must all reach the same set, so
 * they all walk it here.
 */
import type { SecretRecord, StoredEncryptedValue, VaultFile } from './schema.js';
import { versionsOf } from './versions.js';

export interface StoredValueSlot {
  record: SecretRecord;
  env: string;
  value: StoredEncryptedValue;
  /** The map holding it (current values or one kept version), for replacing it in place. */
  holder: Record<string, StoredEncryptedValue>;
  /** Its version was public while current (a kept version keeps its own mark: versions.ts). */
  public: boolean;
}

export function* valuesOf(record: SecretRecord): Generator<StoredValueSlot> {
  for (const { values: holder, public: isPublic } of versionsOf(record)) {
    for (const [env, value] of Object.entries(holder)) yield { record, env, value, holder, public: isPublic };
  }
}

export function* storedValues(file: VaultFile): Generator<StoredValueSlot> {
  // Name by name, not Object.values: a record is checked when first read (lazy-records.ts), and a
  // walk fed in slices after start must check in those slices, not all records in its first step.
  for (const name of Object.keys(file.secrets)) {
    const record = file.secrets[name];
    if (record) yield* valuesOf(record);
  }
}

export function countValues(file: VaultFile): number {
  let n = 0;
  for (const _ of storedValues(file)) n++;
  return n;
}
