import type { Command } from 'commander';
import { chooseStoreUrl, storeLocation } from '../../store/choice.js';
import { action, globalOptions, openVault } from '../context.js';
import { note, printJson, printLine } from '../io.js';
import { repeatablePath } from '../../echo.js';

/** `blindfold init`, as declared in ../definitions.ts. */
export const initAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const url = chooseStoreUrl(globalOptions(cmd).store);
  if (url) {
    // The schema first (the one place besides `upgrade` that changes it; a server never does).
    const { initSchema } = await import('../../store/postgres/index.js');
    const { from, to } = await initSchema(url);
    note(from === to ? `the store ${storeLocation(url)} has schema version ${to}` : `created the schema (version ${to}) in ${storeLocation(url)}`);
  }
  const vault = await openVault(cmd, { create: true });
  // A home given a token-shaped name by mistake is not repeated (issue 20 item 1).
  const where = url ? storeLocation(url) : repeatablePath(vault.paths.vault);
  const result = { home: repeatablePath(vault.paths.home), vault: where, vaultId: vault.vaultId, secrets: vault.names().length };
  await vault.close();
  if (opts.json) printJson(result);
  else printLine(`vault ready at ${result.vault} (${result.secrets} secrets)`);
});
