/**
 * The key-encryption keys one process holds, by key id.
 *
 * `rotate-key` in another process gives the vault a new key id while servers keep running. A server
 * that only knew the key it started with would then fail every call; instead, whenever it reads a
 * vault whose key check (or pending rotation) names a key id it does not hold, it looks for that key
 * where its own came from: the home key file (and `master.key.next`, which holds the new key until
 * the rotation's final rename), or the file named by BLINDFOLD_MASTER_KEY_FILE. A key given inline
 * (BLINDFOLD_MASTER_KEY, or typed at a prompt) cannot be re-read: calls then fail with
 * VAULT_KEY_ROTATED, saying what to restart with.
 */
import { readFile } from 'node:fs/promises';
import type { BlindfoldPaths } from '../config.js';
import { BlindfoldError } from '../errors.js';
import { Kek } from './crypto.js';
import { interpretKeyText, masterKeyFor, type KeyMaterial } from './keyring.js';
import type { KdfParams, VaultFile } from './schema.js';

interface KeyCheckWithKdf {
  keyCheck: VaultFile['keyCheck'];
  kdf: KdfParams;
}

export class VaultKeys {
  readonly #keks = new Map<number, Kek>();
  readonly #material: KeyMaterial;
  readonly #paths: BlindfoldPaths;
  #current: Kek;
  /** Whether the last vault read named a key this process could not load (retried on every refresh). */
  #missing = false;

  constructor(material: KeyMaterial, current: Kek, paths: BlindfoldPaths) {
    this.#material = material;
    this.#paths = paths;
    this.#current = current;
    this.#keks.set(current.kid, current);
  }

  /** The key the vault's key check names (the one new values are wrapped with). */
  get current(): Kek {
    return this.#current;
  }

  get material(): KeyMaterial {
    return this.#material;
  }

  /** The key that wrapped a stored value; VAULT_KEY_ROTATED when this process cannot load it. */
  forKid(kid: number): Kek {
    const kek = this.#keks.get(kid);
    if (!kek) throw this.#rotatedError(kid);
    return kek;
  }

  /** Takes a key this process made itself (its own rotation) as the current one. */
  adopt(kek: Kek): void {
    this.#keks.set(kek.kid, kek);
    this.#current = kek;
  }

  /**
   * Makes sure the keys a freshly read vault needs are held: the key check's, and a pending
   * rotation's (values move to it batch by batch). Cheap when nothing changed: a map lookup.
   */
  async follow(data: VaultFile): Promise<void> {
    const wanted: KeyCheckWithKdf[] = [{ keyCheck: data.keyCheck, kdf: data.kdf }];
    if (data.rotation) wanted.push({ keyCheck: data.rotation.keyCheck, kdf: data.rotation.kdf });
    for (const { keyCheck, kdf } of wanted) {
      if (this.#keks.has(keyCheck.kid)) continue;
      const kek = await this.#load(data.vaultId, keyCheck, kdf);
      if (kek) this.#keks.set(kek.kid, kek);
    }
    const current = this.#keks.get(data.keyCheck.kid);
    if (current) this.#current = current;
    this.#missing = wanted.some(({ keyCheck }) => !this.#keks.has(keyCheck.kid));
  }

  /** True while a key the vault needs is not held: the admin may still put it where we look. */
  get missing(): boolean {
    return this.#missing;
  }

  async #load(vaultId: string, keyCheck: VaultFile['keyCheck'], kdf: KdfParams): Promise<Kek | undefined> {
    for (const path of this.#rereadablePaths()) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        continue;
      }
      try {
        const kek = new Kek(masterKeyFor(interpretKeyText(text, this.#material.source, path), kdf), keyCheck.kid);
        if (kek.verifyKeyCheck(vaultId, keyCheck)) return kek;
      } catch {
        // not a usable key (empty, wrong kind for this KDF): try the next place
      }
    }
    return undefined;
  }

  #rereadablePaths(): string[] {
    switch (this.#material.source) {
      case 'home-file':
        return [this.#paths.keyFile, this.#paths.nextKeyFile];
      case 'env-file':
        return [this.#material.origin];
      default:
        return [];
    }
  }

  #rotatedError(kid: number): BlindfoldError {
    const since = `the vault was re-keyed (key id ${kid}) by \`blindfold rotate-key\` after this process loaded its key`;
    const restart: Record<KeyMaterial['source'], string> = {
      env: 'restart it with BLINDFOLD_MASTER_KEY set to the new key, or with BLINDFOLD_MASTER_KEY_FILE naming the new key file',
      prompt: 'restart it and enter the new passphrase',
      'env-file':
        `the file ${this.#material.origin} (BLINDFOLD_MASTER_KEY_FILE) does not hold the new key: restart it with ` +
        'BLINDFOLD_MASTER_KEY_FILE naming the file given to `rotate-key --new-key-file`, or copy that file over this one',
      'home-file': `neither ${this.#paths.keyFile} nor ${this.#paths.nextKeyFile} holds the new key: restore the key file rotate-key wrote`,
    };
    return new BlindfoldError('VAULT_KEY_ROTATED', `${since}; ${restart[this.#material.source]}`, { keyId: kid });
  }
}
