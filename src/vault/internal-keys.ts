/**
 * Blindfold's own keys kept in the vault: the audit chain's MAC key and the redaction index key.
 * Each is 32 random bytes wrapped by the KEK like a secret value, under a binding no secret can have
 * (secret names start with a letter), so `rotate-key` re-wraps them along with the values and what
 * they sign or index stays valid across rotations.
 */
import { fromBase64, randomKey, toBase64, type Kek } from './crypto.js';
import type { VaultKeys } from './keys.js';
import type { StoredEncryptedValue } from './schema.js';

export const INTERNAL_KEY_PURPOSES = ['audit', 'index'] as const;
export type InternalKeyPurpose = (typeof INTERNAL_KEY_PURPOSES)[number];

/** The associated data of an internal key: also what rotation re-wraps each entry of `internal` under. */
export function internalKeyBinding(vaultId: string, purpose: string): { vaultId: string; name: string; env: string } {
  return { vaultId, name: `__${purpose}__`, env: 'internal' };
}

export function sealNewInternalKey(kek: Kek, vaultId: string, purpose: InternalKeyPurpose): StoredEncryptedValue {
  return kek.encrypt({ ...internalKeyBinding(vaultId, purpose), version: 1 }, toBase64(randomKey()));
}

/** Every internal key, for a new vault: created with it, so no later admin change writes one unaudited. */
export function sealNewInternalKeys(kek: Kek, vaultId: string): Record<InternalKeyPurpose, StoredEncryptedValue> {
  return { audit: sealNewInternalKey(kek, vaultId, 'audit'), index: sealNewInternalKey(kek, vaultId, 'index') };
}

export function openInternalKey(keys: VaultKeys, vaultId: string, purpose: InternalKeyPurpose, stored: StoredEncryptedValue): Uint8Array {
  return fromBase64(keys.forKid(stored.kid).decrypt(internalKeyBinding(vaultId, purpose), stored));
}
