import type { Command } from 'commander';
import { action, openVault } from '../context.js';
import { printJson, printLine } from '../io.js';
import { repeatablePath } from '../../echo.js';

/** `blindfold init`, as declared in ../definitions.ts. */
export const initAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd, { create: true });
  // A home given a token-shaped name by mistake is not repeated (issue 20 item 1).
  const result = { home: repeatablePath(vault.paths.home), vault: repeatablePath(vault.paths.vault), vaultId: vault.vaultId, secrets: vault.names().length };
  if (opts.json) printJson(result);
  else printLine(`vault ready at ${result.vault} (${result.secrets} secrets)`);
});
