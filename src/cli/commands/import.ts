import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { presetFromSecretName } from '../../policy/presets.js';
import { looksLikeToken, repeatablePath } from '../../echo.js';
import type { PreparedSet } from '../../vault/records.js';
import { validateSetInput, type SetSecretInput, type Vault } from '../../vault/vault.js';
import { openAdmin } from '../admin.js';
import { action, environmentFor, openVault } from '../context.js';
import { chooseEntries, looksPublicByName, parseDotenv, type SkippedLine } from '../dotenv.js';
import { note, printJson, printLine, progressBar } from '../io.js';

interface ImportOptions {
  env?: string;
  presetFromName?: boolean;
  publicFromName?: boolean;
  host?: string[];
  allowShort?: boolean;
  allowGuessable?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

type Outcome = 'create' | 'update' | 'unchanged';

/** `blindfold import`, as declared in ../definitions.ts. */
export const importAction = action(async (file: string, opts: ImportOptions, cmd: Command) => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BlindfoldError('BAD_INPUT', `cannot read the .env file given (path not repeated: it may be a value): ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const shownFile = repeatablePath(file);
  const env = environmentFor(opts.env);
  const { entries, problems, comments, bareExports } = parseDotenv(text);
  const { kept, skipped } = chooseEntries(entries);
  for (const line of bareExports) skipped.push({ line, reason: '`export NAME` without a value' });
  skipped.sort((a, b) => a.line - b.line);
  // Validate everything before writing anything, so a bad line 40 doesn't leave 39 imported,
  // and report every bad line at once rather than one per run.
  const inputs: SetSecretInput[] = [];
  const prepared = new Map<string, PreparedSet>();
  for (const e of kept) {
    // `sk_live_…=…`: a key where the name belongs; stored, it would show in every list and audit entry.
    if (looksLikeToken(e.name)) {
      problems.push({ line: e.line, message: 'the name looks like a key or token (not repeated here); a line is NAME=value' });
      continue;
    }
    const preset = opts.presetFromName ? presetFromSecretName(e.name) : undefined;
    const input = { name: e.name, value: e.value, env, hosts: opts.host ?? preset?.hosts, inject: preset?.inject, allowShort: opts.allowShort, allowGuessable: opts.allowGuessable };
    try {
      prepared.set(e.name, validateSetInput(input));
      inputs.push(input);
    } catch (err) {
      problems.push({ line: e.line, message: (err as Error).message });
    }
  }
  if (problems.length > 0) {
    const lines = problems.sort((a, b) => a.line - b.line).map((p) => `${shownFile}:${p.line}: ${p.message}`);
    throw new BlindfoldError('BAD_INPUT', `nothing imported: ${lines.length} bad line(s):\n  ${lines.join('\n  ')}`, { problems: lines });
  }
  const prefixDropped = kept.filter((e) => e.exported).map((e) => e.line);
  if (!opts.json) reportLines(shownFile, { comments, skipped, prefixDropped });
  const publicNames = await choosePublic(inputs.map((i) => i.name).filter(looksPublicByName), opts.publicFromName === true, !opts.dryRun);
  for (const input of inputs) if (publicNames.has(input.name)) input.public = true;
  const lines = { skipped, commentLines: comments, exportPrefixDropped: prefixDropped };
  if (opts.dryRun) return dryRun(await openVault(cmd), inputs, prepared, { env, json: opts.json === true, publicNames, lines });
  const { vault, admin } = await openAdmin(cmd);
  const bar = progressBar(`importing ${inputs.length} secrets`);
  const result = await admin.setMany(inputs, (p) => bar.update(p.done, p.total));
  bar.done();
  const unbound = inputs.filter((i) => !i.hosts && vault.get(i.name).hosts.length === 0).map((i) => i.name);
  if (unbound.length > 0) note(`${unbound.length} imported secrets have no hosts yet (${unbound.slice(0, 5).join(', ')}${unbound.length > 5 ? ', ...' : ''})`);
  if (opts.json) printJson({ env, ...result, public: [...publicNames], ...lines });
  else {
    printLine(
      `imported ${inputs.length} secrets into ${env}: ${result.created.length} created, ${result.updated.length} updated, ` +
        `${result.unchanged.length} unchanged`,
    );
  }
});

/** The lines left out or changed, by number and reason (stderr: the result is on stdout). */
function reportLines(file: string, r: { comments: number[]; skipped: SkippedLine[]; prefixDropped: number[] }): void {
  if (r.comments.length > 0) note(`${file}: ${r.comments.length} comment line(s) skipped: ${numbers(r.comments)}`);
  if (r.prefixDropped.length > 0) note(`${file}: \`export \` prefix dropped (the variable imported) on line(s) ${numbers(r.prefixDropped)}`);
  for (const s of r.skipped) note(`${file}:${s.line}: skipped: ${s.reason}`);
}

function numbers(lines: number[]): string {
  return lines.length > 20 ? `${lines.slice(0, 20).join(', ')}, and ${lines.length - 20} more` : lines.join(', ');
}

/** What an import would do, name by name, read from the vault without writing anything (no audit entry either). */
function dryRun(vault: Vault, inputs: SetSecretInput[], prepared: Map<string, PreparedSet>, o: { env: string; json: boolean; publicNames: Set<string>; lines: object }): void {
  const plan: Record<Outcome, string[]> = { create: [], update: [], unchanged: [] };
  for (const input of inputs) plan[outcomeOf(vault, prepared.get(input.name)!, input)].push(input.name);
  if (o.json) return printJson({ dryRun: true, env: o.env, created: plan.create, updated: plan.update, unchanged: plan.unchanged, public: [...o.publicNames], ...o.lines });
  for (const outcome of ['create', 'update', 'unchanged'] as const) for (const name of plan[outcome]) printLine(`${outcome.padEnd(9)}  ${name}`);
  printLine(`dry run, nothing written: would import ${inputs.length} secrets into ${o.env}: ${plan.create.length} created, ${plan.update.length} updated, ${plan.unchanged.length} unchanged`);
}

/** As the vault's own set decides (records.ts applySet): a new name, a different value for the environment, or a policy it changes. */
function outcomeOf(vault: Vault, p: PreparedSet, input: SetSecretInput): Outcome {
  if (!vault.has(p.name)) return 'create';
  const info = vault.get(p.name);
  const sameValue = info.environments.includes(p.env) && vault.resolve(p.name, p.env) === input.value;
  const samePolicy =
    (!p.hosts || JSON.stringify(p.hosts) === JSON.stringify(info.hosts)) && (!p.inject || p.inject === info.inject) && (input.public !== true || info.public);
  return sameValue && samePolicy ? 'unchanged' : 'update';
}

/**
 * Which of the names that look public by design to mark `public`: all with --public-from-name;
 * on a terminal, the admin is asked once; otherwise none, and a note says how.
 */
async function choosePublic(candidates: string[], fromName: boolean, mayAsk: boolean): Promise<Set<string>> {
  if (candidates.length === 0 || fromName) return new Set(candidates);
  const shown = `${candidates.slice(0, 8).join(', ')}${candidates.length > 8 ? `, and ${candidates.length - 8} more` : ''}`;
  if (!mayAsk || !process.stdin.isTTY || !process.stderr.isTTY) {
    note(`${shown} look public by design (publishable keys, client-side variables); import again with --public-from-name, or \`blindfold set NAME --keep-value --public\`, so that an agent writing them is not taken for a guesser`);
    return new Set();
  }
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${shown} look public by design. Mark them public (still host-bound and redacted, never a tripwire)? [y/N] `);
    return /^y(es)?$/i.test(answer.trim()) ? new Set(candidates) : new Set();
  } finally {
    rl.close();
  }
}
