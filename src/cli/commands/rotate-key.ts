import { rename, unlink } from 'node:fs/promises';
import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { createKeyFile, readOptionalKeyFile, type KeyMaterial } from '../../vault/keyring.js';
import { action, openVaultForChange } from '../context.js';
import { note, printJson, printLine, progressBar } from '../io.js';

interface RotateOptions {
  newKeyFile?: string;
  json?: boolean;
}

/** `blindfold rotate-key`, as declared in ../definitions.ts. */
export const rotateKeyAction = action(async (opts: RotateOptions, cmd: Command) => {
  const vault = await openVaultForChange(cmd, { allowRotationInProgress: true });
  const usesHomeKey = vault.keySource === 'home-file';
  if (usesHomeKey && opts.newKeyFile) {
    throw new BlindfoldError('BAD_INPUT', `the key file ${vault.paths.keyFile} is rotated in place; --new-key-file is for keys given through BLINDFOLD_MASTER_KEY(_FILE)`);
  }
  const newKeyPath = usesHomeKey ? vault.paths.nextKeyFile : opts.newKeyFile;
  if (!newKeyPath) {
    throw new BlindfoldError('BAD_INPUT', 'the master key does not come from the home key file; pass --new-key-file PATH for the new key');
  }
  const existing = await readOptionalKeyFile(newKeyPath);
  const material: KeyMaterial = existing ?? (await createKeyFile(newKeyPath));
  if (vault.rotationPending) note('resuming an interrupted key rotation');
  const bar = progressBar('re-wrapping data keys');
  let result: { rewrapped: number; keyId: number };
  try {
    result = await vault.rotateKey(material, (p) => bar.update(p.done, p.total));
  } catch (err) {
    // A rotation that never started (e.g. its audit entry was refused) leaves no new key behind.
    if (!existing && !vault.rotationPending) await unlink(newKeyPath).catch(() => {});
    throw err;
  }
  bar.done();
  if (usesHomeKey) {
    await rename(newKeyPath, vault.paths.keyFile);
  } else {
    note(`the vault now opens only with the key in ${newKeyPath}; point BLINDFOLD_MASTER_KEY_FILE at it`);
  }
  if (opts.json) printJson({ keyId: result.keyId, rewrapped: result.rewrapped });
  else printLine(`master key rotated (key id ${result.keyId}, ${result.rewrapped} data keys re-wrapped)`);
});
