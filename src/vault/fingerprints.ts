/**
 * Stored fingerprints (SPEC §7): the redaction index is made of keyed fingerprints of each value's
 * secret windows. They are computed when a value is written — the plaintext is at hand then — by a
 * fingerprinter the caller injects (the redactor's, keyed by the vault's index key: the vault never
 * needs to know how windows are cut), and stored beside the value's ciphertext, so building the
 * index at start or after a change decrypts nothing.
 *
 * Fingerprints are fast keyed hashes, not a cipher: a list of them, read without the key, can
 * still tell which characters of a value are equal. So they are stored sealed (AEAD) under a key
 * derived from the index key, with the vault, name, environment, version, the value's ciphertext
 * and the fingerprinter's scheme bound in. A fingerprint moved to another value, left beside an
 * edited ciphertext or made by another scheme fails to open, and the value is then decrypted and
 * fingerprinted afresh: nothing is missed.
 */
import { deriveKey, openWithKey, sealWithKey } from './crypto.js';
import type { StoredEncryptedValue, Tombstone } from './schema.js';
import type { StoredValueSlot } from './values.js';

export interface Fingerprinter {
  /** Names the fingerprint format and its keying; stored fingerprints of another scheme are redone. */
  scheme: string;
  /** A compact serialisation of the value's secret-window fingerprints. */
  fingerprint: (value: string) => string;
}

const SEAL_CONTEXT = 'BFFPSEAL';
const SEAL_PURPOSE = 1;

export class FingerprintBinder {
  readonly #sealKey: Uint8Array;
  readonly #fingerprinter: Fingerprinter;

  constructor(indexKey: Uint8Array, fingerprinter: Fingerprinter) {
    this.#sealKey = deriveKey(indexKey, SEAL_PURPOSE, SEAL_CONTEXT);
    this.#fingerprinter = fingerprinter;
  }

  /** Fingerprints a value being written and stores the result beside its ciphertext. */
  attach(vaultId: string, name: string, env: string, sealed: StoredEncryptedValue, value: string): StoredEncryptedValue {
    const windows = this.#fingerprinter.fingerprint(value);
    return { ...sealed, fp: { sealed: sealWithKey(this.#sealKey, windows, this.#bound(vaultId, name, env, sealed)) } };
  }

  /** The stored fingerprint of a value, if it has one that is still its own; undefined otherwise. */
  stored(vaultId: string, slot: StoredValueSlot): string | undefined {
    const fp = slot.value.fp;
    if (!fp) return undefined;
    return openWithKey(this.#sealKey, fp.sealed, this.#bound(vaultId, slot.record.name, slot.env, slot.value));
  }

  /** For a value whose stored fingerprint is missing or stale: computed from the decrypted value, kept nowhere. */
  fresh(value: string): string {
    return this.#fingerprinter.fingerprint(value);
  }

  /**
   * A tombstone for a value leaving the vault, from its fingerprints (stored or fresh). The
   * ciphertext is not kept, so the seal binds what identifies the retired value instead, and the
   * scheme it was made with: a tombstone cannot be redone from its value, so it is kept under its
   * own scheme rather than dropped when the scheme moves on.
   */
  tombstone(vaultId: string, name: string, retiring: Omit<Tombstone, 'scheme' | 'sealed'>, fingerprints: string): Tombstone {
    const t = { ...retiring, scheme: this.#fingerprinter.scheme };
    return { ...t, sealed: sealWithKey(this.#sealKey, fingerprints, tombstoneBinding(vaultId, name, t)) };
  }

  /** A tombstone's fingerprints; undefined when it does not open (moved to another name or vault, or edited). */
  openTombstone(vaultId: string, name: string, t: Tombstone): string | undefined {
    return openWithKey(this.#sealKey, t.sealed, tombstoneBinding(vaultId, name, t));
  }

  /** A tombstone of `from` sealed afresh for `to` (a rename), under the scheme it was made with; undefined when it does not open. */
  renameTombstone(vaultId: string, from: string, to: string, t: Tombstone): Tombstone | undefined {
    const fingerprints = this.openTombstone(vaultId, from, t);
    if (fingerprints === undefined) return undefined;
    const { sealed: _old, ...kept } = t;
    return { ...kept, sealed: sealWithKey(this.#sealKey, fingerprints, tombstoneBinding(vaultId, to, kept)) };
  }

  #bound(vaultId: string, name: string, env: string, value: StoredEncryptedValue): string {
    return JSON.stringify(['blindfold/fingerprint/v2', this.#fingerprinter.scheme, vaultId, name, env, value.v, value.ct]);
  }
}

function tombstoneBinding(vaultId: string, name: string, t: Omit<Tombstone, 'sealed'>): string {
  return JSON.stringify(['blindfold/tombstone/v1', t.scheme, vaultId, name, t.env, t.v, t.retiredAt, t.public === true]);
}
