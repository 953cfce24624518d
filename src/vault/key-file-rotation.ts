/**
 * The key file around a master-key rotation. With the home key file, the new key is written to
 * master.key.next first, the vault is re-keyed to it (rotation.ts), and only then is it renamed over
 * master.key: a kill at any point leaves either the old key opening the vault, or the new key in
 * master.key.next, which the next open moves into place. A key given through BLINDFOLD_MASTER_KEY(_FILE)
 * or a prompt is the admin's to replace: the new key goes to the file they name.
 */
import { rename, unlink } from 'node:fs/promises';
import type { BlindfoldPaths } from '../config.js';
import { BlindfoldError } from '../errors.js';
import { Kek } from './crypto.js';
import { createKeyFile, masterKeyFor, readOptionalKeyFile, type KeyMaterial } from './keyring.js';
import type { RotationProgress } from './rotation.js';
import type { VaultFile } from './schema.js';

/** What rotating needs of an open vault (the Vault class). */
export interface RotatableVault {
  readonly paths: BlindfoldPaths;
  readonly keySource: KeyMaterial['source'];
  readonly rotationPending: boolean;
  rotateKey(newMaterial: KeyMaterial, onProgress?: (p: RotationProgress) => void): Promise<{ rewrapped: number; keyId: number }>;
}

export interface KeyFileRotationOptions {
  /** Where the new key is (created with a random key if missing); only for keys not from the home key file. */
  newKeyFile?: string;
  /** Called before re-wrapping when an interrupted rotation is being finished. */
  onResume?: () => void;
  onProgress?: (p: RotationProgress) => void;
}

export interface KeyFileRotationResult {
  rewrapped: number;
  keyId: number;
  /** The file holding the new key now. */
  keyFile: string;
  /** False when the admin must point BLINDFOLD_MASTER_KEY_FILE at `keyFile` themselves. */
  inPlace: boolean;
}

export async function rotateKeyFile(vault: RotatableVault, options: KeyFileRotationOptions): Promise<KeyFileRotationResult> {
  const usesHomeKey = vault.keySource === 'home-file';
  if (usesHomeKey && options.newKeyFile) {
    throw new BlindfoldError('BAD_INPUT', `the key file ${vault.paths.keyFile} is rotated in place; --new-key-file is for keys given through BLINDFOLD_MASTER_KEY(_FILE)`);
  }
  const newKeyPath = usesHomeKey ? vault.paths.nextKeyFile : options.newKeyFile;
  if (!newKeyPath) {
    throw new BlindfoldError('BAD_INPUT', 'the master key does not come from the home key file; pass --new-key-file PATH for the new key');
  }
  const existing = await readOptionalKeyFile(newKeyPath);
  const material: KeyMaterial = existing ?? (await createKeyFile(newKeyPath));
  if (vault.rotationPending) options.onResume?.();
  let result: { rewrapped: number; keyId: number };
  try {
    result = await vault.rotateKey(material, options.onProgress);
  } catch (err) {
    // A rotation that never started (e.g. its audit entry was refused) leaves no new key behind.
    if (!existing && !vault.rotationPending) await unlink(newKeyPath).catch(() => {});
    throw err;
  }
  if (usesHomeKey) await rename(newKeyPath, vault.paths.keyFile);
  return { ...result, keyFile: usesHomeKey ? vault.paths.keyFile : newKeyPath, inPlace: usesHomeKey };
}

/**
 * A rotation whose final vault write landed but whose key-file swap did not: the vault now checks
 * against master.key.next. Finish the swap so the home key file is the one that opens the vault.
 */
export async function finishInterruptedKeyFileSwap(
  paths: BlindfoldPaths,
  data: VaultFile,
  material: KeyMaterial,
  notice: (m: string) => void,
): Promise<{ kek: Kek; material: KeyMaterial } | undefined> {
  if (material.source !== 'home-file') return undefined;
  const next = await readOptionalKeyFile(paths.nextKeyFile);
  if (!next) return undefined;
  const kek = new Kek(masterKeyFor(next, data.kdf), data.keyCheck.kid);
  if (!kek.verifyKeyCheck(data.vaultId, data.keyCheck)) return undefined;
  await rename(paths.nextKeyFile, paths.keyFile);
  notice(`finished an interrupted key rotation: ${paths.keyFile} now holds the new key`);
  return { kek, material: { ...next, origin: paths.keyFile } };
}
