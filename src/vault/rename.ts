/**
 * Renaming a secret, as data (no I/O). The associated data of every ciphertext, wrapped key,
 * stored fingerprint and tombstone binds the secret's name (crypto.ts, fingerprints.ts), so a
 * record cannot simply move to another key: each distinct value, current and kept, is decrypted
 * under the old name and sealed afresh under the new one at the version it was written at (the
 * mover, plaintext.ts), and the name's tombstones are re-sealed too. Everything else moves as it
 * is: versions, timestamps, description, metadata, policy. Retired values stay redacted, under the
 * new name; the old name keeps nothing.
 */
import { repeatable } from '../echo.js';
import { BlindfoldError } from '../errors.js';
import type { VaultEvent } from './changes.js';
import { assertSecretName, notFound } from './names.js';
import type { SecretRecord, StoredEncryptedValue, Tombstone, VaultFile } from './schema.js';

/** What a rename needs of the keys: one stored value, and one tombstone, re-bound from one name to another. */
export interface ValueMover {
  value(file: VaultFile, from: string, to: string, env: string, stored: StoredEncryptedValue): StoredEncryptedValue;
  /** The tombstone re-sealed for `to`; undefined when it no longer opens (then it redacts nothing already). */
  tombstone(file: VaultFile, from: string, to: string, retired: Tombstone): Tombstone | undefined;
}

/** The audit action of a rename; its entry names both names, old first. */
const RENAME_ACTION: VaultEvent['action'] = 'secret.rename';

/** Moves `from` to `to` in the document; returns the event the caller records. */
export function applyRename(file: VaultFile, from: string, to: string, mover: ValueMover): VaultEvent {
  assertSecretName(to);
  const record = Object.hasOwn(file.secrets, from) ? file.secrets[from] : undefined;
  if (!record) throw notFound(from, Object.keys(file.secrets));
  if (from === to) throw new BlindfoldError('BAD_INPUT', 'the old and the new name are the same; nothing was renamed');
  if (Object.hasOwn(file.secrets, to)) throw nameTaken(to);
  file.secrets[to] = renamedRecord(file, record, to, mover);
  delete file.secrets[from];
  moveTombstones(file, from, to, mover);
  return { action: RENAME_ACTION, names: [from, to], reason: 'renamed: the first name is the old one, the second the new one' };
}

/** The refusal when the new name is already a secret's (checked early by callers, and again under the lock). */
export function nameTaken(to: string): BlindfoldError {
  return new BlindfoldError('VERSION_CONFLICT', `a secret named ${repeatable(to)} exists already; remove or rename it first (nothing was renamed)`);
}

/**
 * The record under its new name. A value unchanged across versions is one ciphertext shared by
 * them; it stays one (re-sealed once), since which values leave the kept history is told by
 * ciphertext (versions.ts).
 */
function renamedRecord(file: VaultFile, record: SecretRecord, to: string, mover: ValueMover): SecretRecord {
  const moved = new Map<string, StoredEncryptedValue>();
  const move = (holder: Record<string, StoredEncryptedValue>) =>
    Object.fromEntries(
      Object.entries(holder).map(([env, stored]) => {
        let next = moved.get(stored.ct);
        if (!next) moved.set(stored.ct, (next = mover.value(file, record.name, to, env, stored)));
        return [env, next];
      }),
    );
  return {
    ...structuredClone(record),
    name: to,
    values: move(record.values),
    history: record.history.map((h) => ({ version: h.version, updatedAt: h.updatedAt, values: move(h.values) })),
  };
}

/** The old name's tombstones join the new name's (a name removed earlier may have its own). */
function moveTombstones(file: VaultFile, from: string, to: string, mover: ValueMover): void {
  const leaving = file.retired && Object.hasOwn(file.retired, from) ? file.retired[from] : undefined;
  if (!file.retired || !leaving) return;
  const arriving = leaving.flatMap((t) => mover.tombstone(file, from, to, t) ?? []);
  const already = Object.hasOwn(file.retired, to) ? (file.retired[to] ?? []) : [];
  delete file.retired[from];
  if (already.length + arriving.length > 0) file.retired[to] = [...already, ...arriving];
}
