import { rename } from 'node:fs/promises';
import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { createKeyFile, readOptionalKeyFile, type KeyMaterial } from '../../vault/keyring.js';
import { action, cliPrincipal, openAudit, openVault } from '../context.js';
import { note, printJson, printLine, progressBar } from '../io.js';

interface RotateOptions {
  newKeyFile?: string;
  json?: boolean;
}

export function registerRotateKey(program: Command): void {
  program
    .command('rotate-key')
    .description(
      'replace the master key: re-wraps every data key under a new key. Safe to interrupt; run it again to finish. ' +
        'With the default key file the new key replaces master.key; with BLINDFOLD_MASTER_KEY(_FILE) pass --new-key-file',
    )
    .option('--new-key-file <path>', 'file holding the new key (base64 of 32 bytes or a passphrase); created with a random key if missing')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (opts: RotateOptions, cmd: Command) => {
        const vault = await openVault(cmd, { allowRotationInProgress: true });
        const usesHomeKey = !process.env.BLINDFOLD_MASTER_KEY && !process.env.BLINDFOLD_MASTER_KEY_FILE;
        if (usesHomeKey && opts.newKeyFile) {
          throw new BlindfoldError('BAD_INPUT', `the key file ${vault.paths.keyFile} is rotated in place; --new-key-file is for keys given through BLINDFOLD_MASTER_KEY(_FILE)`);
        }
        const newKeyPath = usesHomeKey ? vault.paths.nextKeyFile : opts.newKeyFile;
        if (!newKeyPath) {
          throw new BlindfoldError('BAD_INPUT', 'the master key comes from an environment variable; pass --new-key-file PATH for the new key');
        }
        const material: KeyMaterial = (await readOptionalKeyFile(newKeyPath)) ?? (await createKeyFile(newKeyPath));
        if (vault.rotationPending) note('resuming an interrupted key rotation');
        const bar = progressBar('re-wrapping data keys');
        const result = await vault.rotateKey(material, (p) => bar.update(p.done, p.total));
        bar.done();
        if (usesHomeKey) {
          await rename(newKeyPath, vault.paths.keyFile);
        } else {
          note(`the vault now opens only with the key in ${newKeyPath}; point BLINDFOLD_MASTER_KEY_FILE at it`);
        }
        // The audit key is wrapped like a value, so it is only readable again once the rotation is complete.
        const audit = await openAudit(vault);
        await audit.append({ action: 'key.rotate', principal: cliPrincipal(), outcome: 'ok', reason: `key id ${result.keyId}` });
        audit.close();
        if (opts.json) printJson({ keyId: result.keyId, rewrapped: result.rewrapped });
        else printLine(`master key rotated (key id ${result.keyId}, ${result.rewrapped} data keys re-wrapped)`);
      }),
    );
}
