import type { Command } from 'commander';
import { action, openVault } from '../context.js';
import { printJson, printLine } from '../io.js';

/** `blindfold init`, as declared in ../definitions.ts. */
export const initAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd, { create: true });
  const result = { home: vault.paths.home, vault: vault.paths.vault, vaultId: vault.vaultId, secrets: vault.names().length };
  if (opts.json) printJson(result);
  else printLine(`vault ready at ${result.vault} (${result.secrets} secrets)`);
});
