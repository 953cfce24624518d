import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { presetFromSecretName } from '../../policy/presets.js';
import { validateSetInput, type SetSecretInput } from '../../vault/vault.js';
import { openAdmin } from '../admin.js';
import { action, environmentFor } from '../context.js';
import { looksPublicByName, parseDotenv } from '../dotenv.js';
import { note, printJson, printLine, progressBar } from '../io.js';

interface ImportOptions {
  env?: string;
  presetFromName?: boolean;
  publicFromName?: boolean;
  host?: string[];
  allowShort?: boolean;
  allowGuessable?: boolean;
  json?: boolean;
}

/** `blindfold import`, as declared in ../definitions.ts. */
export const importAction = action(async (file: string, opts: ImportOptions, cmd: Command) => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BlindfoldError('BAD_INPUT', `cannot read the .env file given (path not repeated: it may be a value): ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const env = environmentFor(opts.env);
  const { entries, problems } = parseDotenv(text);
  // Validate everything before writing anything, so a bad line 40 doesn't leave 39 imported,
  // and report every bad line at once rather than one per run.
  const inputs: SetSecretInput[] = [];
  for (const e of entries) {
    const preset = opts.presetFromName ? presetFromSecretName(e.name) : undefined;
    const input = { name: e.name, value: e.value, env, hosts: opts.host ?? preset?.hosts, inject: preset?.inject, allowShort: opts.allowShort, allowGuessable: opts.allowGuessable };
    try {
      validateSetInput(input);
      inputs.push(input);
    } catch (err) {
      problems.push({ line: e.line, message: (err as Error).message });
    }
  }
  if (problems.length > 0) {
    const lines = problems.sort((a, b) => a.line - b.line).map((p) => `${file}:${p.line}: ${p.message}`);
    throw new BlindfoldError('BAD_INPUT', `nothing imported: ${lines.length} bad line(s):\n  ${lines.join('\n  ')}`, { problems: lines });
  }
  const publicNames = await choosePublic(inputs.map((i) => i.name).filter(looksPublicByName), opts.publicFromName === true);
  for (const input of inputs) if (publicNames.has(input.name)) input.public = true;
  const { vault, admin } = await openAdmin(cmd);
  const bar = progressBar(`importing ${inputs.length} secrets`);
  const result = await admin.setMany(inputs, (p) => bar.update(p.done, p.total));
  bar.done();
  const unbound = inputs.filter((i) => !i.hosts && vault.get(i.name).hosts.length === 0).map((i) => i.name);
  if (unbound.length > 0) note(`${unbound.length} imported secrets have no hosts yet (${unbound.slice(0, 5).join(', ')}${unbound.length > 5 ? ', ...' : ''})`);
  if (opts.json) printJson({ env, ...result, public: [...publicNames] });
  else {
    printLine(
      `imported ${inputs.length} secrets into ${env}: ${result.created.length} created, ${result.updated.length} updated, ` +
        `${result.unchanged.length} unchanged`,
    );
  }
});

/**
 * Which of the names that look public by design to mark `public`: all with --public-from-name;
 * on a terminal, the admin is asked once; otherwise none, and a note says how.
 */
async function choosePublic(candidates: string[], fromName: boolean): Promise<Set<string>> {
  if (candidates.length === 0 || fromName) return new Set(candidates);
  const shown = `${candidates.slice(0, 8).join(', ')}${candidates.length > 8 ? `, and ${candidates.length - 8} more` : ''}`;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
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
