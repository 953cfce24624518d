import { basename } from 'node:path';
import { readyTrail } from '../../audit/trail.js';
import type { Command } from 'commander';
import { action, openVault } from '../context.js';
import { requireSecret } from '../lookup.js';
import { note, printJson, printLine } from '../io.js';
import { repeatablePath } from '../../echo.js';
import type { Vault } from '../../vault/vault.js';

/** `blindfold show`, as declared in ../definitions.ts. */
export const showAction = action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  requireSecret(vault, name);
  const info = vault.get(name);
  const usage = (await readyTrail(vault.state.auditReader())).usage().get(name);
  const used = { lastUsedAt: usage?.lastUsedAt ?? null, useCount: usage?.useCount ?? 0 };
  // Removed and rotated-out values whose fingerprints are kept: still redacted, still a tripwire.
  const retiredRemembered = vault.retiredCount(name);
  const tasks = await tasksUsing(vault, name);
  if (opts.json) return printJson({ secret: { ...info, ...used, retiredRemembered, tasks } });
  const rows: Array<[string, string]> = [
    ['name', info.name],
    ['description', info.description || '(none)'],
    ['environments', info.environments.join(', ')],
    ['hosts', info.hosts.join(', ') || '(none: cannot be sent)'],
    ['placements', info.placements.join(', ')],
    ['inject', info.inject],
    ['public', info.public ? 'yes (redacted, never a tripwire)' : 'no'],
    ['version', String(info.version)],
    ['retired values remembered', `${retiredRemembered}${retiredRemembered ? ' (still redacted; `rm --forget-fingerprints` drops them)' : ''}`],
    ['created', info.createdAt],
    ['updated', info.updatedAt],
    ['used', used.useCount ? `${used.useCount} time(s), last at ${used.lastUsedAt}` : 'never (per the audit trail)'],
    ['tasks', tasks.map((t) => `${t.name} (${basename(t.file)})`).join(', ') || '(none)'],
    ...Object.entries(info.metadata).map(([k, v]): [string, string] => [`meta.${k}`, v]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) printLine(`${k.padEnd(width)}  ${v}`);
});

/**
 * The tasks whose steps use the secret (secret_name or `<secrets.NAME>`), as the loader checked
 * them. A task file that does not load cannot be searched: it is named on stderr, and the rest of
 * `show` goes on.
 */
async function tasksUsing(vault: Vault, name: string): Promise<Array<{ name: string; file: string }>> {
  const { loadTaskFolder } = await import('../../tasks/loader.js');
  let load;
  try {
    load = loadTaskFolder(vault.paths.tasks, vault);
  } catch (err) {
    // The code only: the message would repeat the folder's path, which `--tasks` may have been given by mistake.
    note(`the tasks folder ${repeatablePath(vault.paths.tasks)} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}), so tasks using this secret are not listed`);
    return [];
  }
  for (const p of load.problems) {
    note(`task file ${repeatablePath(basename(p.file))} does not load, so it was not searched for this secret (\`blindfold tasks check\` says why)`);
  }
  return load.tasks.filter((t) => t.secrets.includes(name)).map((t) => ({ name: t.name, file: t.file }));
}
