import type { Command } from 'commander';
import { action, openVault } from '../context.js';
import { printJson, printLine, printTable } from '../io.js';

/** `blindfold list`, as declared in ../definitions.ts. */
export const listAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  const secrets = vault.list();
  if (opts.json) return printJson({ secrets });
  if (secrets.length === 0) return printLine('no secrets yet: add one with `blindfold set NAME --host HOST`');
  printTable(
    ['NAME', 'ENVIRONMENTS', 'HOSTS', 'PUBLIC', 'VERSION', 'UPDATED'],
    secrets.map((s) => [s.name, s.environments.join(','), s.hosts.join(',') || '(none)', s.public ? 'yes' : '-', String(s.version), s.updatedAt]),
  );
});
