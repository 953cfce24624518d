import type { Command } from 'commander';
import { readyTrail } from '../../audit/trail.js';
import { resolvePaths } from '../../config.js';
import { repeatablePath } from '../../echo.js';
import { describeError } from '../../errors.js';
import { TripQuarantine } from '../../policy/quarantine.js';
import { SuspensionList } from '../../policy/suspensions.js';
import type { Vault } from '../../vault/vault.js';
import { openAdmin } from '../admin.js';
import { action, EXIT, globalOptions } from '../context.js';
import { clientChecks } from '../doctor-clients.js';
import { line, printReport, type DoctorLine } from '../doctor-report.js';
import { configCheck, environmentCheck, homeCheck, keyCheck, nodeCheck, principalCheck } from '../doctor-setup.js';

/** `blindfold doctor`, as declared in ../definitions.ts. */
export const doctorAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const env = process.env;
  const flags = globalOptions(cmd);
  const config = configCheck(env);
  // A broken config file is reported, and the rest is checked as if it were not there.
  const file = config.file ?? {};
  const home = homeCheck(flags.home, env, file);
  const lines: DoctorLine[] = [config.line, home.line, environmentCheck(undefined, env, file), principalCheck(env, config.file !== undefined)];
  const paths = resolvePaths({ home: home.home, vault: flags.vault, audit: flags.audit, tasks: flags.tasks }, env, file);

  let vault: Vault | undefined;
  if (home.line.status === 'fail' || config.line.status === 'fail') {
    lines.push(keyCheck(env, paths.keyFile, undefined));
    lines.push(line('vault', 'fail', 'not opened: fix the lines above first', 'then run `blindfold doctor` again'));
  } else {
    vault = await vaultChecks(cmd, lines, env, paths.keyFile);
  }
  if (vault) lines.push(...(await taskChecks(vault)), ...suspensionChecks(vault));
  lines.push(...clientChecks(home.home, env, file), nodeCheck());

  printReport(lines, opts.json === true);
  if (lines.some((l) => l.status === 'fail')) process.exitCode = EXIT.error;
});

/** Open, decrypt everything (`blindfold check`) and verify the audit chain (`blindfold audit verify`). */
async function vaultChecks(cmd: Command, lines: DoctorLine[], env: NodeJS.ProcessEnv, keyFile: string): Promise<Vault | undefined> {
  let opened: Awaited<ReturnType<typeof openAdmin>>;
  try {
    opened = await openAdmin(cmd);
  } catch (err) {
    lines.push(keyCheck(env, keyFile, undefined));
    lines.push(line('vault', 'fail', describeError(err), 'the message names the fix; `blindfold check` says the same'));
    return undefined;
  }
  const { vault, admin, audit } = opened;
  lines.push(keyCheck(env, keyFile, vault.keySource));
  // On PostgreSQL both live in the database (its URL without the password), not in the home's files.
  const onFile = vault.store.location === vault.paths.vault;
  const vaultAt = onFile ? repeatablePath(vault.store.location) : vault.store.location;
  const auditAt = onFile ? repeatablePath(vault.paths.audit) : `${vaultAt} (audit rows)`;
  try {
    const values = vault.verifyAll();
    lines.push(line('vault', 'ok', `${vaultAt}: ${values} stored values in ${vault.size} secrets decrypt and authenticate (key id ${vault.keyId})`));
  } catch (err) {
    lines.push(line('vault', 'fail', describeError(err), 'restore the vault from a backup (README: "Storage: snapshot, journal, migration and backup")'));
  }
  try {
    const revision = await admin.settle();
    const result = (await readyTrail(audit)).verify(revision);
    lines.push(
      result.ok
        ? line('audit', 'ok', `${auditAt}: ${result.entries} entries, chain intact`)
        : line('audit', 'fail', `${auditAt} was changed outside Blindfold: ${result.problem} (${result.entries} entries verified before it)`, 'keep the file for investigation and read `blindfold audit verify` (README: "Audit trail and logs"); do not delete audit files by hand'),
    );
  } catch (err) {
    lines.push(line('audit', 'fail', describeError(err), 'run `blindfold audit verify` for details'));
  }
  return vault;
}

/** The task files that do not load (`blindfold tasks check`). */
async function taskChecks(vault: Vault): Promise<DoctorLine[]> {
  const { loadTaskFolder } = await import('../../tasks/loader.js');
  const { tasks, problems } = loadTaskFolder(vault.paths.tasks, vault);
  if (problems.length === 0) return [line('tasks', 'ok', `${tasks.length} task(s) load from ${repeatablePath(vault.paths.tasks)}`)];
  return [line('tasks', 'fail', `${problems.length} task file problem(s) in ${repeatablePath(vault.paths.tasks)} (${tasks.length} task(s) load)`, '`blindfold tasks check` names each file, line and reason')];
}

/** Principals the tripwire stopped, and quarantined origins: calls are refused until a human clears them. */
function suspensionChecks(vault: Vault): DoctorLine[] {
  try {
    const suspended = SuspensionList.in(vault.state).list().map((s) => s.principal);
    const quarantined = TripQuarantine.in(vault.state).list().filter((o) => o.quarantinedSince !== undefined).map((o) => o.origin);
    const lines: DoctorLine[] = [];
    if (suspended.length) {
      lines.push(line('suspensions', 'warn', `suspended: ${suspended.join(', ')}`, 'review `blindfold audit --action request.attack`, then `blindfold clear PRINCIPAL` (README: "Suspensions")'));
    }
    if (quarantined.length) {
      lines.push(line('suspensions', 'warn', `quarantined origins: ${quarantined.join(', ')}`, 'review `blindfold audit --action request.attack`, then `blindfold clear --origin URL`'));
    }
    return lines.length ? lines : [line('suspensions', 'ok', 'no principal is suspended and no origin quarantined')];
  } catch (err) {
    return [line('suspensions', 'fail', describeError(err), '`blindfold clear --all` rewrites a damaged list (review `blindfold audit` first)')];
  }
}
