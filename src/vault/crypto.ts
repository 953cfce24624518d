/**
 * Envelope encryption (SPEC §7). The master key never encrypts a value directly:
 *
 *   master key --crypto_kdf(keyId)--> key-encryption key (KEK)
 *   random data key per value --XChaCha20-Poly1305--> value ciphertext   (AD: vault, name, env, version)
 *   KEK --XChaCha20-Poly1305--> wrapped data key                         (AD: the same + key id)
 *
 * so rotating the master key re-wraps 48-byte data keys and leaves value ciphertexts alone, and
 * moving a ciphertext to another record, environment or version fails authentication.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import sodiumModule from 'libsodium-wrappers-sumo';
import { BlindfoldError } from '../errors.js';

type Sodium = typeof sodiumModule;
let sodiumReady: Sodium | undefined;

export async function sodium(): Promise<Sodium> {
  if (!sodiumReady) {
    await sodiumModule.ready;
    sodiumReady = sodiumModule;
  }
  return sodiumReady;
}

/** Synchronous access once `sodium()` has resolved; every public entry point awaits it first. */
function s(): Sodium {
  if (!sodiumReady) throw new BlindfoldError('INTERNAL', 'libsodium used before initialisation');
  return sodiumReady;
}

export const MASTER_KEY_BYTES = 32;
const KEK_CONTEXT = 'BFKEK___';
const KEY_CHECK_PLAINTEXT = 'blindfold key check v1';

export interface EncryptedValue {
  /** Secret version at which this value was written; bound into the associated data. */
  v: number;
  /** Key id of the KEK that wrapped the data key. */
  kid: number;
  /** base64(nonce || AEAD(data key)) */
  wk: string;
  /** base64(nonce || AEAD(value)) */
  ct: string;
}

export interface KeyCheck {
  kid: number;
  box: string;
}

export interface ValueBinding {
  vaultId: string;
  name: string;
  env: string;
  version: number;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** A key-encryption key for one generation of master key. */
export class Kek {
  readonly kid: number;
  readonly #key: Uint8Array;

  constructor(masterKey: Uint8Array, kid: number) {
    if (masterKey.length !== MASTER_KEY_BYTES) {
      throw new BlindfoldError('INTERNAL', 'master key must be 32 bytes');
    }
    this.kid = kid;
    this.#key = s().crypto_kdf_derive_from_key(32, kid, KEK_CONTEXT, masterKey);
  }

  createKeyCheck(vaultId: string): KeyCheck {
    return { kid: this.kid, box: seal(this.#key, new TextEncoder().encode(KEY_CHECK_PLAINTEXT), keyCheckAd(vaultId, this.kid)) };
  }

  verifyKeyCheck(vaultId: string, check: KeyCheck): boolean {
    if (check.kid !== this.kid) return false;
    try {
      const plain = open(this.#key, check.box, keyCheckAd(vaultId, this.kid));
      return new TextDecoder().decode(plain) === KEY_CHECK_PLAINTEXT;
    } catch {
      return false;
    }
  }

  encrypt(binding: ValueBinding, plaintext: string): EncryptedValue {
    const sodium = s();
    const dataKey = sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
    try {
      const ct = seal(dataKey, new TextEncoder().encode(plaintext), valueAd(binding));
      const wk = seal(this.#key, dataKey, wrapAd(binding, this.kid));
      return { v: binding.version, kid: this.kid, wk, ct };
    } finally {
      sodium.memzero(dataKey);
    }
  }

  decrypt(binding: Omit<ValueBinding, 'version'>, value: EncryptedValue): string {
    const full = { ...binding, version: value.v };
    if (value.kid !== this.kid) {
      throw new BlindfoldError('DECRYPT_FAILED', `the value of ${binding.name} (${binding.env}) is wrapped by key ${value.kid}, not ${this.kid}`);
    }
    let dataKey: Uint8Array | undefined;
    try {
      dataKey = open(this.#key, value.wk, wrapAd(full, this.kid));
      return new TextDecoder('utf-8', { fatal: true }).decode(open(dataKey, value.ct, valueAd(full)));
    } catch {
      throw new BlindfoldError(
        'DECRYPT_FAILED',
        `the stored value of ${binding.name} (${binding.env}) failed authentication: the vault file was edited or damaged`,
        { name: binding.name, env: binding.env },
      );
    } finally {
      if (dataKey) s().memzero(dataKey);
    }
  }

  /** Re-wraps the data key under this KEK without touching the value ciphertext. */
  rewrap(binding: Omit<ValueBinding, 'version'>, value: EncryptedValue, from: Kek): EncryptedValue {
    if (value.kid === this.kid) return value;
    const full = { ...binding, version: value.v };
    let dataKey: Uint8Array | undefined;
    try {
      dataKey = open(from.#key, value.wk, wrapAd(full, from.kid));
    } catch {
      throw new BlindfoldError('DECRYPT_FAILED', `the wrapped key of ${binding.name} (${binding.env}) failed authentication`);
    }
    try {
      return { ...value, kid: this.kid, wk: seal(this.#key, dataKey, wrapAd(full, this.kid)) };
    } finally {
      s().memzero(dataKey);
    }
  }
}

function seal(key: Uint8Array, message: Uint8Array, ad: string): string {
  const sodium = s();
  const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const box = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(message, ad, null, nonce, key);
  const out = new Uint8Array(nonce.length + box.length);
  out.set(nonce, 0);
  out.set(box, nonce.length);
  return toBase64(out);
}

function open(key: Uint8Array, sealed: string, ad: string): Uint8Array {
  const sodium = s();
  const bytes = fromBase64(sealed);
  const n = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (bytes.length < n + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES) throw new Error('ciphertext too short');
  return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, bytes.subarray(n), ad, bytes.subarray(0, n), key);
}

// JSON arrays make the associated data unambiguous whatever the field contents.
function valueAd(b: ValueBinding): string {
  return JSON.stringify(['blindfold/value/v1', b.vaultId, b.name, b.env, b.version]);
}
function wrapAd(b: ValueBinding, kid: number): string {
  return JSON.stringify(['blindfold/wrap/v1', b.vaultId, b.name, b.env, b.version, kid]);
}
function keyCheckAd(vaultId: string, kid: number): string {
  return JSON.stringify(['blindfold/key-check/v1', vaultId, kid]);
}

export interface Argon2Params {
  type: 'argon2id';
  salt: string;
  opslimit: number;
  memlimit: number;
}

export function newArgon2Params(): Argon2Params {
  const sodium = s();
  return {
    type: 'argon2id',
    salt: toBase64(sodium.randombytes_buf(sodium.crypto_pwhash_SALTBYTES)),
    // ~0.3 s on a laptop core: paid once per process start, not per request.
    opslimit: 3,
    memlimit: 64 * 1024 * 1024,
  };
}

export function deriveFromPassphrase(passphrase: string, params: Argon2Params): Uint8Array {
  const sodium = s();
  return sodium.crypto_pwhash(
    MASTER_KEY_BYTES,
    passphrase,
    fromBase64(params.salt),
    params.opslimit,
    params.memlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

/** A 32-byte key for one purpose, derived from another key; `context` is 8 characters naming the family. */
export function deriveKey(key: Uint8Array, purposeId: number, context: string): Uint8Array {
  return s().crypto_kdf_derive_from_key(MASTER_KEY_BYTES, purposeId, context, key);
}

const SEAL_CIPHER = 'chacha20-poly1305';
const SEAL_NONCE_BYTES = 12;
const SEAL_TAG_BYTES = 16;

/**
 * ChaCha20-Poly1305 of `plaintext` under `key` with `associated` bound in, base64 of nonce, ciphertext
 * and tag: for data kept beside a value that must be neither read nor moved (its stored redaction
 * fingerprints). Node's native cipher, not libsodium's: opened for every stored value at start,
 * where a WebAssembly call per value would cost about as much as decrypting the value itself.
 * Random 96-bit nonces: one key seals at most a few versions per secret, far below the bound.
 */
export function sealWithKey(key: Uint8Array, plaintext: string, associated: string): string {
  const nonce = randomBytes(SEAL_NONCE_BYTES);
  const cipher = createCipheriv(SEAL_CIPHER, key, nonce, { authTagLength: SEAL_TAG_BYTES });
  cipher.setAAD(Buffer.from(associated, 'utf8'), { plaintextLength: Buffer.byteLength(plaintext, 'utf8') });
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

/** The plaintext `sealWithKey` sealed, or undefined if it was sealed under other data or changed. */
export function openWithKey(key: Uint8Array, sealed: string, associated: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < SEAL_NONCE_BYTES + SEAL_TAG_BYTES) return undefined;
  const body = bytes.subarray(SEAL_NONCE_BYTES, bytes.length - SEAL_TAG_BYTES);
  try {
    const decipher = createDecipheriv(SEAL_CIPHER, key, bytes.subarray(0, SEAL_NONCE_BYTES), { authTagLength: SEAL_TAG_BYTES });
    decipher.setAAD(Buffer.from(associated, 'utf8'), { plaintextLength: body.length });
    decipher.setAuthTag(bytes.subarray(bytes.length - SEAL_TAG_BYTES));
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export function randomKey(): Uint8Array {
  return s().randombytes_buf(MASTER_KEY_BYTES);
}

export function randomId(): string {
  return Buffer.from(s().randombytes_buf(16)).toString('base64url');
}
