import type { Command } from 'commander';
import { readAudit } from '../../audit/query.js';
import { BlindfoldError } from '../../errors.js';
import { action, openVaultForChange } from '../context.js';
import { requireSecret } from '../lookup.js';
import { printJson, printLine } from '../io.js';

const RECENT_MS = 7 * 24 * 3600 * 1000;

/** `blindfold rm`, as declared in ../definitions.ts. */
export const rmAction = action(async (name: string, opts: { force?: boolean; json?: boolean }, cmd: Command) => {
  const vault = await openVaultForChange(cmd);
  requireSecret(vault, name); // SECRET_NOT_FOUND before any warning
  const { loadTaskFolder } = await import('../../tasks/loader.js'); // YAML parsing only where needed
  const tasks = loadTaskFolder(vault.paths.tasks, vault).tasks.filter((t) => t.secrets.includes(name));
  let lastUse: string | undefined;
  try {
    lastUse = readAudit(vault.paths.audit, { secret: name, action: 'secret.resolve', since: new Date(Date.now() - RECENT_MS) }).at(-1)?.time;
  } catch {
    // no readable audit trail: nothing to warn about
  }
  const reasons = [
    ...(tasks.length ? [`tasks name it: ${tasks.map((t) => `${t.name} (${t.file})`).join(', ')}`] : []),
    ...(lastUse ? [`it was last used at ${lastUse}`] : []),
  ];
  if (reasons.length && !opts.force) {
    throw new BlindfoldError('SECRET_IN_USE', `not removing ${name}: ${reasons.join('; ')}. Run again with --force to remove it anyway`, { reasons });
  }
  for (const r of reasons) process.stderr.write(`blindfold: warning: ${name}: ${r}\n`);
  await vault.remove(name);
  if (opts.json) printJson({ removed: name, warnings: reasons });
  else printLine(`removed ${name}`);
});
