import type { Command } from 'commander';
import { action, openVaultForChange } from '../context.js';
import { printJson, printLine } from '../io.js';

export function registerRm(program: Command): void {
  program
    .command('rm')
    .description('delete a secret and all its versions')
    .argument('<name>', 'secret name')
    .option('--force', 'delete even when it was used recently or tasks reference it')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (name: string, opts: { force?: boolean; json?: boolean }, cmd: Command) => {
        const vault = await openVaultForChange(cmd);
        await vault.remove(name);
        if (opts.json) printJson({ removed: name });
        else printLine(`removed ${name}`);
      }),
    );
}
