import type { Command } from 'commander';
import { action, openVault } from '../context.js';
import { printJson, printLine } from '../io.js';

/** `blindfold check`, as declared in ../definitions.ts. */
export const checkAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  const values = vault.verifyAll();
  const result = { ok: true, secrets: vault.names().length, values, keyId: vault.keyId };
  if (opts.json) printJson(result);
  else printLine(`ok: ${result.values} stored values in ${result.secrets} secrets decrypt and authenticate (key id ${result.keyId})`);
});
