import type { Command } from 'commander';
import { openAdmin } from '../admin.js';
import { action } from '../context.js';
import { note, printJson, printLine, progressBar } from '../io.js';
import { repeatablePath } from '../../echo.js';

interface RotateOptions {
  newKeyFile?: string;
  json?: boolean;
}

/** `blindfold rotate-key`, as declared in ../definitions.ts. */
export const rotateKeyAction = action(async (opts: RotateOptions, cmd: Command) => {
  const { admin } = await openAdmin(cmd, { allowRotationInProgress: true });
  const bar = progressBar('re-wrapping data keys');
  const result = await admin.rotateKey({
    ...(opts.newKeyFile ? { newKeyFile: opts.newKeyFile } : {}),
    onResume: () => note('resuming an interrupted key rotation'),
    onProgress: (p) => bar.update(p.done, p.total),
  });
  bar.done();
  // `--new-key-file` given a value by mistake is not repeated (issue 20 item 1).
  const keyFile = repeatablePath(result.keyFile);
  if (!result.inPlace) note(`the vault now opens only with the key in ${keyFile}; point BLINDFOLD_MASTER_KEY_FILE at it`);
  // Issue 20 item 2: a rotation is only safe once the new key is backed up, and the old backup is now useless.
  note(`back up the new key in ${keyFile} now, somewhere other than this disk: a backup of the old key no longer opens the vault`);
  if (opts.json) printJson({ keyId: result.keyId, rewrapped: result.rewrapped, keyFile });
  else printLine(`master key rotated (key id ${result.keyId}, ${result.rewrapped} data keys re-wrapped); the new key is in ${keyFile}`);
});
