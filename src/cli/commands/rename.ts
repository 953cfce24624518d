import type { Command } from 'commander';
import { openAdmin } from '../admin.js';
import { action } from '../context.js';
import { repeatable } from '../../echo.js';
import { assertSecretName } from '../../vault/names.js';
import { requireSecret } from '../lookup.js';
import { note, printJson, printLine } from '../io.js';

/** `blindfold rename`, as declared in ../definitions.ts: the core's admin rename (src/admin.ts). */
export const renameAction = action(async (from: string, to: string, opts: { force?: boolean; json?: boolean }, cmd: Command) => {
  // Both names are checked before the vault is opened: either may be a value typed in the wrong place.
  assertSecretName(from);
  assertSecretName(to);
  const { vault, admin } = await openAdmin(cmd);
  requireSecret(vault, from); // SECRET_NOT_FOUND, with close names, before any in-use check
  const outcome = await admin.rename(from, to, { force: opts.force === true });
  for (const r of outcome.warnings) note(`warning: ${repeatable(from)}: ${r}`);
  if (opts.json) return printJson(outcome);
  printLine(
    `renamed ${repeatable(from)} to ${repeatable(to)}: ${outcome.versions} version(s) kept, every value re-encrypted under the new name` +
      (outcome.retiredRemembered ? `, ${outcome.retiredRemembered} retired value(s) still redacted under it` : ''),
  );
});
