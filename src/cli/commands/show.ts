import type { Command } from 'commander';
import { action, openVault } from '../context.js';
import { requireSecret } from '../lookup.js';
import { printJson, printLine } from '../io.js';

/** `blindfold show`, as declared in ../definitions.ts. */
export const showAction = action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  requireSecret(vault, name);
  const info = vault.get(name);
  const usage = vault.state.auditReader().usage().get(name);
  const used = { lastUsedAt: usage?.lastUsedAt ?? null, useCount: usage?.useCount ?? 0 };
  // Removed and rotated-out values whose fingerprints are kept: still redacted, still a tripwire.
  const retiredRemembered = vault.retiredCount(name);
  if (opts.json) return printJson({ secret: { ...info, ...used, retiredRemembered } });
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
    ...Object.entries(info.metadata).map(([k, v]): [string, string] => [`meta.${k}`, v]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) printLine(`${k.padEnd(width)}  ${v}`);
});
