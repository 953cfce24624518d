import type { Command } from 'commander';
import { readyTrail } from '../../audit/trail.js';
import { BlindfoldError } from '../../errors.js';
import { coversHost, parseHostArgument } from '../../policy/host-filter.js';
import { parseSince, type Usage } from '../../store/audit/query.js';
import type { SecretInfo } from '../../vault/records.js';
import { assertEnvironment, withoutValueIn } from '../../vault/names.js';
import { action, openVault } from '../context.js';
import { printJson, printLine, printTable } from '../io.js';

interface ListOptions {
  json?: boolean;
  env?: string;
  host?: string;
  unused?: string;
}

/** `blindfold list`, as declared in ../definitions.ts. Filters combine: a secret is listed when it passes every one. */
export const listAction = action(async (opts: ListOptions, cmd: Command) => {
  // Every filter is checked before the vault is opened: a bad one is a usage error, whatever the vault holds.
  const env = opts.env === undefined ? undefined : assertEnvironment(opts.env);
  const host = opts.host === undefined ? undefined : parseHostArgument(opts.host);
  const unusedSince = opts.unused === undefined ? undefined : parseUnused(opts.unused);
  const vault = await openVault(cmd);
  let secrets = vault.list();
  if (env !== undefined) {
    const missing = new Set(withoutValueIn(env, secrets));
    secrets = secrets.filter((s) => !missing.has(s.name));
  }
  if (host) secrets = secrets.filter((s) => s.hosts.some((bound) => coversHost(bound, host)));
  let usage: Map<string, Usage> | undefined;
  if (unusedSince) {
    usage = (await readyTrail(vault.state.auditReader())).usage();
    secrets = secrets.filter((s) => {
      const used = usage!.get(s.name);
      return !used?.useCount || Date.parse(used.lastUsedAt) < unusedSince.getTime();
    });
  }
  const lastUse = (s: SecretInfo) => ({ lastUsedAt: usage?.get(s.name)?.lastUsedAt ?? null, useCount: usage?.get(s.name)?.useCount ?? 0 });
  if (opts.json) return printJson({ secrets: usage ? secrets.map((s) => ({ ...s, ...lastUse(s) })) : secrets });
  if (secrets.length === 0) {
    const filtered = env !== undefined || host !== undefined || unusedSince !== undefined;
    return printLine(filtered ? 'no secrets match these filters' : 'no secrets yet: add one with `blindfold set NAME --host HOST`');
  }
  printTable(
    ['NAME', 'ENVIRONMENTS', 'HOSTS', 'PUBLIC', 'VERSION', 'UPDATED', ...(usage ? ['LAST USED'] : [])],
    secrets.map((s) => [
      s.name,
      s.environments.join(','),
      s.hosts.join(',') || '(none)',
      s.public ? 'yes' : '-',
      String(s.version),
      s.updatedAt,
      ...(usage ? [lastUse(s).lastUsedAt ?? 'never'] : []),
    ]),
  );
});

/** `--unused 30d`: the moment before which a last use counts as unused (the grammar of `audit --since`). */
function parseUnused(text: string): Date {
  try {
    // A bare number would parse as a year: `--unused 30` means a unit was forgotten.
    if (!/^\s*\d+\s*$/.test(text)) return parseSince(text);
  } catch {
    // the message below, which does not repeat what was given
  }
  throw new BlindfoldError('BAD_INPUT', '--unused expects a duration like 90m, 12h, 30d, 8w or an ISO date (what was given is not repeated)');
}
