/**
 * Blindfold's own keys kept in the vault. The one stored today is the audit chain's MAC key: 32
 * random bytes wrapped by the KEK like a secret value, under a binding no secret can have (secret
 * names start with a letter), so `rotate-key` re-wraps it along with the values and what it signs
 * stays valid across rotations.
 *
 * The redaction index key is derived from it rather than stored beside it: just as random, just as
 * stable across rotations and restarts, re-wrapped by the same step, present in every vault that has
 * an audit key — and no second wrapped key for rotation and the crash tests to account for. The
 * derivation is one-way: the index key (handed to the redactor) does not give back the audit key.
 */
import { deriveKey, fromBase64, randomKey, toBase64, type Kek } from './crypto.js';
import type { VaultKeys } from './keys.js';
import type { StoredEncryptedValue } from './schema.js';

export type InternalKeyPurpose = 'audit';

const INDEX_KEY_CONTEXT = 'BFINDEX_';
const INDEX_KEY_ID = 1;
const TOKEN_KEY_CONTEXT = 'BFTOKEN_';

/** The associated data of an internal key: also what rotation re-wraps each entry of `internal` under. */
export function internalKeyBinding(vaultId: string, purpose: string): { vaultId: string; name: string; env: string } {
  return { vaultId, name: `__${purpose}__`, env: 'internal' };
}

export function sealNewInternalKey(kek: Kek, vaultId: string, purpose: InternalKeyPurpose): StoredEncryptedValue {
  return kek.encrypt({ ...internalKeyBinding(vaultId, purpose), version: 1 }, toBase64(randomKey()));
}

/** Every internal key, for a new vault: created with it, so no later admin change writes one unaudited. */
export function sealNewInternalKeys(kek: Kek, vaultId: string): Record<InternalKeyPurpose, StoredEncryptedValue> {
  return { audit: sealNewInternalKey(kek, vaultId, 'audit') };
}

export function indexKeyFrom(auditKey: Uint8Array): Uint8Array {
  return deriveKey(auditKey, INDEX_KEY_ID, INDEX_KEY_CONTEXT);
}

/** The key agent tokens are hashed with (tokens.ts): derived like the index key, one-way, stable across rotations. */
export function tokenKeyFrom(auditKey: Uint8Array): Uint8Array {
  return deriveKey(auditKey, INDEX_KEY_ID, TOKEN_KEY_CONTEXT);
}

export function openInternalKey(keys: VaultKeys, vaultId: string, purpose: InternalKeyPurpose, stored: StoredEncryptedValue): Uint8Array {
  return fromBase64(keys.forKid(stored.kid).decrypt(internalKeyBinding(vaultId, purpose), stored));
}
