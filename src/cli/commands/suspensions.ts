import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { SuspensionList } from '../../policy/suspensions.js';
import { action, cliPrincipal, openAudit, openVault } from '../context.js';
import { printJson, printLine, printTable } from '../io.js';

/** Principal ids as Blindfold makes them: stdio, cli:<user>, plugin:<name>, a token's name. */
const PRINCIPAL_RULE = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

/** `blindfold suspended`, as declared in ../definitions.ts. */
export const suspendedAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  const entries = new SuspensionList(vault.paths.suspensions).list();
  if (opts.json) return printJson(entries);
  if (entries.length === 0) return printLine('no principal is suspended');
  printTable(['PRINCIPAL', 'SINCE', 'REASON'], entries.map((e) => [e.principal, e.since, e.reason]));
});

/** `blindfold clear`, as declared in ../definitions.ts. */
export const clearAction = action(async (principal: string | undefined, opts: { all?: boolean; json?: boolean }, cmd: Command) => {
  if (!opts.all && principal === undefined) throw new BlindfoldError('BAD_INPUT', 'name the principal to clear, or pass --all');
  if (principal !== undefined && !PRINCIPAL_RULE.test(principal)) {
    throw new BlindfoldError('BAD_INPUT', `that is not a principal name (${PRINCIPAL_RULE.source}); see \`blindfold suspended\``);
  }
  const vault = await openVault(cmd);
  const audit = await openAudit(vault);
  const list = new SuspensionList(vault.paths.suspensions);
  const cleared = opts.all ? listedOrNone(list) : principal !== undefined && list.isSuspended(principal) ? [principal] : [];
  if (!opts.all && cleared.length === 0) throw new BlindfoldError('BAD_INPUT', `${principal} is not suspended`);
  // On record before the suspension is lifted, like every admin change.
  for (const p of cleared) await audit.append({ action: 'principal.cleared', principal: cliPrincipal(), reason: `cleared ${p}`, outcome: 'ok' });
  if (opts.all) list.clearAll();
  else list.clear(principal!);
  audit.close();
  if (opts.json) printJson({ cleared });
  else printLine(cleared.length ? `cleared ${cleared.join(', ')}` : 'no principal was suspended');
});

/** A damaged list names no one, and `--all` rewrites it. */
function listedOrNone(list: SuspensionList): string[] {
  try {
    return list.list().map((e) => e.principal);
  } catch {
    return [];
  }
}
