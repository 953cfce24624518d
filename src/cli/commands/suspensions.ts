import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { CountedAllowance } from '../../policy/allowance.js';
import { normalOrigin, TripQuarantine } from '../../policy/quarantine.js';
import { STDIO_WILDCARD, SuspensionList } from '../../policy/suspensions.js';
import { action, cliPrincipal, openAudit, openVault } from '../context.js';
import { printJson, printLine, printTable } from '../io.js';
import type { HomeState } from '../../store/home-state.js';
import { repeatable } from '../../echo.js';

/** Principal ids as Blindfold makes them: stdio:<client>, cli:<user>, plugin:<name>, a token's name; or the stdio wildcard. */
const PRINCIPAL_RULE = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

/** `blindfold suspended`, as declared in ../definitions.ts. */
export const suspendedAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  printSuspended(vault.state, opts.json === true);
});

/** The suspensions (the stdio wildcard among them) and the origins with trips on record. */
function printSuspended(state: HomeState, json: boolean): void {
  const entries = SuspensionList.in(state).list();
  const origins = TripQuarantine.in(state).list();
  if (json) return printJson(entries);
  if (entries.length === 0) printLine('no principal is suspended');
  else printTable(['PRINCIPAL', 'SINCE', 'REASON'], entries.map((e) => [e.principal, e.since, e.reason]));
  if (origins.length > 0) {
    printLine();
    printTable(['ORIGIN', 'TRIPS', 'QUARANTINED SINCE'], origins.map((o) => [o.origin, String(o.trips), o.quarantinedSince ?? '-']));
  }
}

interface ClearOptions {
  all?: boolean;
  origin?: string;
  json?: boolean;
}

/** `blindfold clear`, as declared in ../definitions.ts. */
export const clearAction = action(async (principal: string | undefined, opts: ClearOptions, cmd: Command) => {
  if (!opts.all && principal === undefined && opts.origin === undefined) {
    // Nothing named: show what there is to clear, and how.
    printSuspended((await openVault(cmd)).state, opts.json === true);
    if (!opts.json) printLine(`\nlift one with \`blindfold clear PRINCIPAL\` ('${STDIO_WILDCARD}' for the stdio wildcard), an origin with --origin URL, or everything with --all`);
    return;
  }
  if (principal !== undefined && principal !== STDIO_WILDCARD && !PRINCIPAL_RULE.test(principal)) {
    throw new BlindfoldError('BAD_INPUT', `that is not a principal name (${PRINCIPAL_RULE.source}, or ${STDIO_WILDCARD}); see \`blindfold suspended\``);
  }
  const origin = opts.origin === undefined ? undefined : normalOrigin(opts.origin);
  const vault = await openVault(cmd);
  const list = SuspensionList.in(vault.state);
  const allowance = CountedAllowance.in(vault.state);
  const quarantine = TripQuarantine.in(vault.state);

  const cleared = opts.all ? listedOrNone(list) : principal !== undefined && isListed(list, principal) ? [principal] : [];
  const spent = principal !== undefined && allowance.used(principal) > 0;
  const originKnown = origin !== undefined && quarantine.list().some((o) => o.origin === origin);
  if (principal !== undefined && !opts.all && cleared.length === 0 && !spent) {
    const hint = list.isSuspended(principal) ? `; it is suspended by ${STDIO_WILDCARD} (every stdio principal): \`blindfold clear '${STDIO_WILDCARD}'\`` : '';
    throw new BlindfoldError('BAD_INPUT', `${repeatable(principal)} is not suspended and has no partial hits on record${hint}`);
  }
  if (origin !== undefined && !originKnown) throw new BlindfoldError('BAD_INPUT', `${origin} has no trips on record and is not quarantined`);

  const audit = await openAudit(vault);
  try {
    // On record before anything is lifted, like every admin change.
    const by = cliPrincipal();
    for (const p of cleared) await audit.append({ action: 'principal.cleared', principal: by, reason: `cleared ${p}`, outcome: 'ok' });
    if (spent && cleared.length === 0) await audit.append({ action: 'principal.cleared', principal: by, reason: `reset the partial-hit allowance of ${principal}`, outcome: 'ok' });
    if (origin !== undefined) await audit.append({ action: 'principal.cleared', principal: by, origin, reason: `cleared the quarantine of ${origin}`, outcome: 'ok' });
    if (opts.all) {
      await list.clearAll();
      await allowance.resetAll();
    } else if (principal !== undefined) {
      await list.clear(principal);
      await allowance.reset(principal);
    }
    if (origin !== undefined) await quarantine.clear(origin);
  } finally {
    audit.close();
  }
  const origins = origin !== undefined ? [origin] : [];
  if (opts.json) return printJson({ cleared, ...(spent ? { allowanceReset: [principal] } : {}), ...(origin !== undefined ? { origins } : {}) });
  const said = [
    cleared.length ? `cleared ${cleared.join(', ')}` : opts.all ? 'no principal was suspended' : '',
    spent ? `reset the partial-hit allowance of ${principal}` : '',
    origin !== undefined ? `lifted the quarantine of ${origin}` : '',
  ].filter(Boolean);
  printLine(said.join('; '));
});

function isListed(list: SuspensionList, principal: string): boolean {
  return list.list().some((e) => e.principal === principal);
}

/** A damaged list names no one, and `--all` rewrites it. */
function listedOrNone(list: SuspensionList): string[] {
  try {
    return list.list().map((e) => e.principal);
  } catch {
    return [];
  }
}
