/**
 * Where a secret's plaintext meets its ciphertext, and nowhere else in the vault: sealing a value
 * being written (with its redaction fingerprints when a fingerprinter is attached), and decrypting
 * one to resolve it, to index it for redaction, or to prove the document intact. What comes out is
 * the caller's to use at once and drop (promise 2): nothing here keeps or logs it.
 */
import { BlindfoldError } from '../errors.js';
import type { IndexedFingerprints } from '../redact/vault-index.js';
import type { FingerprintBinder } from './fingerprints.js';
import type { VaultKeys } from './keys.js';
import { DEFAULT_ENVIRONMENT } from './names.js';
import type { ValueSealer } from './records.js';
import { applyRename, type ValueMover } from './rename.js';
import type { VaultEvent } from './changes.js';
import type { SecretRecord, VaultFile } from './schema.js';
import { storedValues, type StoredValueSlot } from './values.js';
import { versionsOf, type Leaving, type Retire } from './versions.js';

export type { IndexedFingerprints };

export function valueSealer(keys: VaultKeys, fingerprints: FingerprintBinder | undefined): ValueSealer {
  return {
    seal: (file, name, env, version, value) => {
      const sealed = keys.current.encrypt({ vaultId: file.vaultId, name, env, version }, value);
      return fingerprints ? fingerprints.attach(file.vaultId, name, env, sealed, value) : sealed;
    },
    equals: (file, name, env, stored, value) => keys.forKid(stored.kid).decrypt({ vaultId: file.vaultId, name, env }, stored) === value,
    retire: retirer(keys, fingerprints),
  };
}

/** Renames a secret in the document (rename.ts), each value re-bound by the mover below; returns the event to record. */
export function renamer(keys: VaultKeys, fingerprints: FingerprintBinder | undefined): (file: VaultFile, from: string, to: string) => VaultEvent {
  return (file, from, to) => applyRename(file, from, to, valueMover(keys, fingerprints));
}

/**
 * A rename's re-binding (rename.ts): a value decrypted under the old name and sealed under the new
 * one at the version it was written at, its fingerprints made afresh for the new binding; a
 * tombstone re-sealed for the new name. A value that does not decrypt refuses the rename.
 */
export function valueMover(keys: VaultKeys, fingerprints: FingerprintBinder | undefined): ValueMover {
  return {
    value: (file, from, to, env, stored) => {
      const value = keys.forKid(stored.kid).decrypt({ vaultId: file.vaultId, name: from, env }, stored);
      const sealed = keys.current.encrypt({ vaultId: file.vaultId, name: to, env, version: stored.v }, value);
      return fingerprints ? fingerprints.attach(file.vaultId, to, env, sealed, value) : sealed;
    },
    tombstone: (file, from, to, retired) => {
      if (!fingerprints) {
        throw new BlindfoldError('INTERNAL', 'retired values must keep their fingerprints across a rename, and no fingerprinter is attached; nothing was written');
      }
      return fingerprints.renameTombstone(file.vaultId, from, to, retired);
    },
  };
}

/**
 * Leaves the fingerprints of values leaving a record behind as tombstones (schema.ts), from the
 * stored ones or, where those are missing or stale, from the value decrypted here and dropped. A
 * value that cannot leave its fingerprints refuses the change: it would stop being redacted.
 */
export function retirer(keys: VaultKeys, fingerprints: FingerprintBinder | undefined): Retire {
  return (file: VaultFile, record: SecretRecord, leaving: Leaving) => {
    if (leaving.length === 0) return;
    if (!fingerprints) {
      throw new BlindfoldError('INTERNAL', 'a value leaving the vault must leave its fingerprints behind, and no fingerprinter is attached; nothing was written');
    }
    const retiredAt = new Date().toISOString();
    const tombstones = [...(file.retired?.[record.name] ?? [])];
    for (const [env, value, isPublic] of leaving) {
      const slot: StoredValueSlot = { record, env, value, holder: {}, public: isPublic };
      const windows = fingerprints.stored(file.vaultId, slot) ?? fingerprints.fresh(decryptSlot(keys, file, slot));
      const retiring = { env, v: value.v, retiredAt, ...(isPublic ? { public: true } : {}) };
      tombstones.push(fingerprints.tombstone(file.vaultId, record.name, retiring, windows));
    }
    // One key of the collection, not a copy of it: the store writes only the records touched.
    (file.retired ??= {})[record.name] = tombstones;
  };
}

/** The value for an environment, falling back to `default`. */
export function resolveValue(keys: VaultKeys, file: VaultFile, record: SecretRecord, env: string): string {
  const usedEnv = record.values[env] ? env : DEFAULT_ENVIRONMENT;
  const value = record.values[usedEnv];
  if (!value) {
    throw new BlindfoldError(
      'NO_VALUE_FOR_ENVIRONMENT',
      `${record.name} has no value for environment "${env}" and no default value; only an admin can add one`,
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
 * not; then each name's tombstones (retired values), which have no value to redo them from. A
 * generator: the index is fed in slices after start, and a vault of values without stored
 * fingerprints costs a decryption each, which must fall into those slices, not all into the first.
 */
export function* fingerprintEvery(keys: VaultKeys, whole: VaultFile, binder: FingerprintBinder, only?: readonly string[]): Generator<IndexedFingerprints> {
  const file = only ? namesOf(whole, only) : whole;
  // The redactor knows public-ness by name (Redactor.setPublic): a name is public only while every
  // value it indexes — current, kept and retired — was public (red team 12c: one public value made
  // a name's retired secret values stop tripping). Fail closed: a public key stored under a name
  // that held a secret trips like that secret.
  const isPublic = (name: string) => {
    const record = Object.hasOwn(file.secrets, name) ? file.secrets[name] : undefined;
    return (!record || versionsOf(record).every((v) => v.public)) && (file.retired?.[name] ?? []).every((t) => t.public === true);
  };
  for (const slot of storedValues(file)) {
    let fingerprints = binder.stored(file.vaultId, slot);
    if (fingerprints === undefined) {
      const value = decryptIfKeyHeld(keys, file, slot);
      if (value === undefined) continue;
      fingerprints = binder.fresh(value);
    }
    yield { name: slot.record.name, fingerprints, public: isPublic(slot.record.name) };
  }
  for (const [name, tombstones] of Object.entries(file.retired ?? {})) {
    for (const t of tombstones) {
      const fingerprints = binder.openTombstone(file.vaultId, name, t);
      if (fingerprints !== undefined) yield { name, fingerprints, public: isPublic(name) };
    }
  }
}

/** The vault as if it held only `names` (their records and tombstones): a change's share of the index. */
function namesOf(file: VaultFile, names: readonly string[]): VaultFile {
  const pick = <T>(map: Record<string, T> | undefined) =>
    Object.fromEntries(names.filter((n) => map && Object.hasOwn(map, n)).map((n) => [n, map![n]!])) as Record<string, T>;
  return { ...file, secrets: pick(file.secrets), retired: pick(file.retired) };
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
