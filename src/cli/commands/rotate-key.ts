import type { Command } from 'commander';
import { rotateKeyFile } from '../../vault/key-file-rotation.js';
import { action, openVaultForChange } from '../context.js';
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
        'With the default key file the new key replaces master.key; with BLINDFOLD_MASTER_KEY(_FILE) or a typed passphrase pass --new-key-file. ' +
        'Running servers that read the key from a file pick up the new key by themselves',
    )
    .option('--new-key-file <path>', 'file holding the new key (base64 of 32 bytes or a passphrase); created with a random key if missing')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (opts: RotateOptions, cmd: Command) => {
        const vault = await openVaultForChange(cmd, { allowRotationInProgress: true });
        const bar = progressBar('re-wrapping data keys');
        const result = await rotateKeyFile(vault, {
          ...(opts.newKeyFile ? { newKeyFile: opts.newKeyFile } : {}),
          onResume: () => note('resuming an interrupted key rotation'),
          onProgress: (p) => bar.update(p.done, p.total),
        });
        bar.done();
        if (!result.inPlace) note(`the vault now opens only with the key in ${result.keyFile}; point BLINDFOLD_MASTER_KEY_FILE at it`);
        if (opts.json) printJson({ keyId: result.keyId, rewrapped: result.rewrapped });
        else printLine(`master key rotated (key id ${result.keyId}, ${result.rewrapped} data keys re-wrapped)`);
      }),
    );
}
