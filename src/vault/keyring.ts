/**
 * Where the master key comes from (SPEC §2, §7): BLINDFOLD_MASTER_KEY, BLINDFOLD_MASTER_KEY_FILE, or
 * the key file in the home folder. Each holds either base64 of 32 random bytes or a passphrase that
 * Argon2id stretches with parameters stored in the vault. The key is never read from argv.
 */
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BlindfoldError } from '../errors.js';
import { deriveFromPassphrase, MASTER_KEY_BYTES, randomKey, toBase64, type Argon2Params } from './crypto.js';
import type { KdfParams } from './schema.js';
import { repeatablePath } from '../echo.js';

/** `prompt`: typed at a hidden prompt (passphrase vaults, when nothing is configured and stdin is a TTY). */
export type KeySource = 'env' | 'env-file' | 'home-file' | 'prompt';

/** The key material as configured, before any vault-specific derivation. */
export interface KeyMaterial {
  source: KeySource;
  /** Where it came from, for messages: a variable name or a path. Never the key. */
  origin: string;
  /** The key text as configured (trimmed). */
  text: string;
  /** Exactly 32 bytes when the text is base64 of a random key; absent for a passphrase. */
  raw?: Uint8Array;
}

const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$|^[A-Za-z0-9_-]{43}$/;

export function interpretKeyText(text: string, source: KeySource, origin: string): KeyMaterial {
  const trimmed = text.trim();
  if (trimmed.length === 0) {
    throw new BlindfoldError('VAULT_SEALED', `the master key from ${origin} is empty`);
  }
  if (BASE64_KEY.test(trimmed)) {
    const bytes = new Uint8Array(Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64'));
    if (bytes.length === MASTER_KEY_BYTES) return { source, origin, text: trimmed, raw: bytes };
  }
  if (trimmed.length < 12) {
    throw new BlindfoldError(
      'VAULT_SEALED',
      `the master key from ${origin} is neither base64 of 32 bytes nor a passphrase of at least 12 characters`,
    );
  }
  return { source, origin, text: trimmed };
}

export interface KeyLookup {
  env: NodeJS.ProcessEnv;
  keyFile: string;
}

/** The configured key, or undefined when nothing is configured and the home key file does not exist. */
export async function findConfiguredKey({ env, keyFile }: KeyLookup): Promise<KeyMaterial | undefined> {
  const inline = env.BLINDFOLD_MASTER_KEY;
  const file = env.BLINDFOLD_MASTER_KEY_FILE;
  if (inline && file) {
    throw new BlindfoldError(
      'VAULT_SEALED',
      'both BLINDFOLD_MASTER_KEY and BLINDFOLD_MASTER_KEY_FILE are set; set only one so it is clear which key opens the vault',
    );
  }
  if (inline) return interpretKeyText(inline, 'env', 'BLINDFOLD_MASTER_KEY');
  if (file) return interpretKeyText(await readKeyFile(file, 'BLINDFOLD_MASTER_KEY_FILE'), 'env-file', file);
  const text = await readKeyFile(keyFile, undefined, true);
  if (text === undefined) return undefined;
  return interpretKeyText(text, 'home-file', keyFile);
}

async function readKeyFile(path: string, viaVariable?: string, optional = false): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined as unknown as string;
    const via = viaVariable ? ` (named by ${viaVariable})` : '';
    throw new BlindfoldError('VAULT_SEALED', `cannot read the master key file ${repeatablePath(path)}${via}: ${code ?? (err as Error).message}`);
  }
}

export async function readOptionalKeyFile(path: string): Promise<KeyMaterial | undefined> {
  const text = await readKeyFile(path, undefined, true);
  return text === undefined ? undefined : interpretKeyText(text, 'home-file', path);
}

/** Writes a new random key file with 0600, refusing to replace an existing one. */
export async function createKeyFile(path: string): Promise<KeyMaterial> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomKey();
  const handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600).catch((err) => {
    throw new BlindfoldError('INTERNAL', `cannot create the key file ${repeatablePath(path)}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  });
  try {
    await handle.writeFile(`${toBase64(key)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  const text = toBase64(key);
  return { source: 'home-file', origin: path, text, raw: key };
}

export async function keyFileIsPrivate(path: string): Promise<boolean> {
  try {
    return ((await stat(path)).mode & 0o077) === 0;
  } catch {
    return true;
  }
}

/** Turns key material into the 32-byte master key for a vault with the given KDF parameters. */
export function masterKeyFor(material: KeyMaterial, kdf: KdfParams): Uint8Array {
  if (kdf.type === 'raw') {
    if (!material.raw) {
      throw new BlindfoldError(
        'VAULT_SEALED',
        `the vault was created with a random 32-byte key, but the key from ${material.origin} is a passphrase; supply the key file's contents`,
      );
    }
    return material.raw;
  }
  // A base64-looking passphrase is still a passphrase for a passphrase vault.
  return deriveFromPassphrase(material.text, kdf as Argon2Params);
}
