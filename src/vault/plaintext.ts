/**
 * Where a secret's plaintext meets its ciphertext, and nowhere else in the vault: sealing a value
 * being written (with its redaction fingerprints when a fingerprinter is attached), and decrypting
 * one to resolve it, to index it for redaction, or to prove the document intact. What comes out is
 * the caller's to use at once and drop (promise 2): nothing here keeps or logs it.
 */
import { BlindfoldError } from '../errors.js';
import type { FingerprintBinder } from './fingerprints.js';
import type { VaultKeys } from './keys.js';
import { DEFAULT_ENVIRONMENT } from './names.js';
import type { ValueSealer } from './records.js';
import type { SecretRecord, VaultFile } from './schema.js';
import { storedValues, type StoredValueSlot } from './values.js';

export function valueSealer(keys: VaultKeys, fingerprints: FingerprintBinder | undefined): ValueSealer {
  return {
    seal: (file, name, env, version, value) => {
      const sealed = keys.current.encrypt({ vaultId: file.vaultId, name, env, version }, value);
      return fingerprints ? fingerprints.attach(file.vaultId, name, env, sealed, value) : sealed;
    },
    equals: (file, name, env, stored, value) => keys.forKid(stored.kid).decrypt({ vaultId: file.vaultId, name, env }, stored) === value,
  };
}

/** The value for an environment, falling back to `default`. */
export function resolveValue(keys: VaultKeys, file: VaultFile, record: SecretRecord, env: string): string {
  const usedEnv = record.values[env] ? env : DEFAULT_ENVIRONMENT;
  const value = record.values[usedEnv];
  if (!value) {
    throw new BlindfoldError(
      'NO_VALUE_FOR_ENVIRONMENT',
      `${record.name} has no value for environment "${env}" and no default value; an admin can add one with \`blindfold set ${record.name} --env ${env}\``,
      { name: record.name, env },
    );
  }
  return keys.forKid(value.kid).decrypt({ vaultId: file.vaultId, name: record.name, env: usedEnv }, value);
}

function decryptSlot(keys: VaultKeys, file: VaultFile, slot: StoredValueSlot): string {
  return keys.forKid(slot.value.kid).decrypt({ vaultId: file.vaultId, name: slot.record.name, env: slot.env }, slot.value);
}

/** Undefined for a value under a key this process cannot load yet (a rotation not yet followed). */
function decryptIfKeyHeld(keys: VaultKeys, file: VaultFile, slot: StoredValueSlot): string | undefined {
  try {
    return decryptSlot(keys, file, slot);
  } catch {
    return undefined;
  }
}

export function* decryptEvery(keys: VaultKeys, file: VaultFile): Generator<{ name: string; value: string }> {
  for (const slot of storedValues(file)) {
    const value = decryptIfKeyHeld(keys, file, slot);
    if (value !== undefined) yield { name: slot.record.name, value };
  }
}

/**
 * Stored fingerprints where they are still their value's own; the value fingerprinted afresh where
 * not. A generator: the index is fed in slices after start, and a vault of values without stored
 * fingerprints costs a decryption each, which must fall into those slices, not all into the first.
 */
export function* fingerprintEvery(keys: VaultKeys, file: VaultFile, binder: FingerprintBinder): Generator<{ name: string; fingerprints: string }> {
  for (const slot of storedValues(file)) {
    let fingerprints = binder.stored(file.vaultId, slot);
    if (fingerprints === undefined) {
      const value = decryptIfKeyHeld(keys, file, slot);
      if (value === undefined) continue;
      fingerprints = binder.fresh(value);
    }
    yield { name: slot.record.name, fingerprints };
  }
}

/** Decrypts every stored value, throwing at the first that fails; returns how many were checked. */
export function verifyEvery(keys: VaultKeys, file: VaultFile): number {
  let checked = 0;
  for (const slot of storedValues(file)) {
    decryptSlot(keys, file, slot);
    checked++;
  }
  return checked;
}
