import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { openAdmin } from '../admin.js';
import { action, openVault } from '../context.js';
import { requireSecret } from '../lookup.js';
import { printJson, printLine, printTable } from '../io.js';

/** `blindfold history`, as declared in ../definitions.ts. */
export const historyAction = action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  requireSecret(vault, name);
  const versions = vault.history(name);
  if (opts.json) return printJson({ name, versions });
  printTable(
    ['VERSION', 'UPDATED', 'ENVIRONMENTS', ''],
    versions.map((v) => [String(v.version), v.updatedAt, v.environments.join(','), v.current ? '(current)' : '']),
  );
});

/** `blindfold rollback`, as declared in ../definitions.ts. */
export const rollbackAction = action(async (name: string, opts: { to: string; json?: boolean }, cmd: Command) => {
  const to = Number(opts.to);
  // What was given is not repeated: a non-number here may be a value typed in the wrong place.
  if (opts.to.trim() === '' || !Number.isInteger(to) || to < 1) throw new BlindfoldError('BAD_INPUT', '--to expects a version number (see `blindfold history NAME`)');
  const { vault, admin } = await openAdmin(cmd);
  requireSecret(vault, name);
  const info = await admin.rollback(name, to);
  if (opts.json) printJson({ secret: info, restored: to });
  else printLine(`${name} restored to the values of version ${to} (now version ${info.version})`);
});
