import type { Command } from 'commander';
import { action, openVault } from '../context.js';
import { printJson, printLine } from '../io.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create the home folder, a random master key file (unless a key is configured) and an empty vault')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (opts: { json?: boolean }, cmd: Command) => {
        const vault = await openVault(cmd, { create: true });
        const result = { home: vault.paths.home, vault: vault.paths.vault, vaultId: vault.vaultId, secrets: vault.names().length };
        if (opts.json) printJson(result);
        else printLine(`vault ready at ${result.vault} (${result.secrets} secrets)`);
      }),
    );
}
