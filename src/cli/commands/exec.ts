import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { Command } from 'commander';
import type { AuditFields } from '../../audit/chain.js';
import { describeError } from '../../errors.js';
import { Redactor } from '../../redact/redactor.js';
import type { Vault } from '../../vault/vault.js';
import { action, cliPrincipal, environmentFor, openAudit, openVault } from '../context.js';
import { commandLabel, recordableArgv } from '../exec-argv.js';
import { findExecutable } from '../exec-path.js';
import { expandSpecs, OWN_KEY_VARIABLES, parseSecretSpecs } from '../exec-secrets.js';
import { note } from '../io.js';
import { atTerminal, terminalLaunch } from '../terminal.js';

/**
 * At a terminal, what the redactor holds back is shown once the child has been quiet this long:
 * a prompt ("Password: ") has no line after it, and waits for an answer. Only a value written in
 * pieces of fewer than 12 characters (one window, src/redact/fingerprints.ts) with such pauses
 * between them shows unmasked, which a child can do at any speed anyway (pieces apart).
 */
const PROMPT_QUIET_MS = 100;

/** Pipes a child's output through the redactor; values split across writes are still caught. */
function maskInto(source: NodeJS.ReadableStream, target: NodeJS.WriteStream, redactor: Redactor, quietFlushMs?: number): Promise<void> {
  const stream = redactor.stream();
  const decoder = new StringDecoder('utf8');
  let quiet: NodeJS.Timeout | undefined;
  const flush = () => {
    const out = stream.end();
    if (out) target.write(out);
  };
  return new Promise((resolve) => {
    source.on('data', (chunk: Buffer) => {
      const out = stream.push(decoder.write(chunk));
      if (out) target.write(out);
      if (quietFlushMs !== undefined) {
        clearTimeout(quiet);
        quiet = setTimeout(flush, quietFlushMs);
      }
    });
    source.on('end', () => {
      clearTimeout(quiet);
      const out = stream.push(decoder.end());
      if (out) target.write(out);
      flush();
      resolve();
    });
  });
}

type ExitRecord = Pick<AuditFields, 'argv' | 'exitCode' | 'secrets' | 'env' | 'outcome' | 'reason'>;

/** `exec.run` on the trail once the child is done (or could not start): what ran, how it ended, which names it got. */
async function recordRun(vault: Vault, run: ExitRecord): Promise<void> {
  const audit = await openAudit(vault);
  try {
    await audit.append({ action: 'exec.run', principal: cliPrincipal(), ...run });
    audit.flush();
  } finally {
    audit.close();
  }
}

interface Ended {
  code: number;
  failed?: string;
}

/**
 * Runs the command with `env`, its output masked. At a terminal the child gets one through
 * script(1) (its stdout and stderr then arrive together, from the terminal); elsewhere, or
 * without script, pipes as before.
 */
async function runMasked(command: string[], program: string, env: NodeJS.ProcessEnv, redactor: Redactor): Promise<Ended> {
  const terminal = atTerminal();
  const launch = terminal ? terminalLaunch(command, program, env) : undefined;
  if (terminal && !launch) note('script(1) from util-linux is not on PATH, so the command runs without a terminal (no hidden prompts or colours)');
  const [file, args, childEnv] = launch ? [launch.file, launch.args, launch.env] : [command[0]!, command.slice(1), env];
  const child = spawn(file, args, { env: childEnv, stdio: ['inherit', 'pipe', 'pipe'] });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  try {
    const quiet = launch ? PROMPT_QUIET_MS : undefined;
    const masked = Promise.all([maskInto(child.stdout!, process.stdout, redactor, quiet), maskInto(child.stderr!, process.stderr, redactor, quiet)]);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; failed?: string }>((resolve) => {
      child.once('error', (err: NodeJS.ErrnoException) => resolve({ code: null, signal: null, failed: err.code ?? 'error' }));
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    await masked;
    // Like a shell: 127 when the command is not found, 126 when it cannot be executed.
    if (exit.failed) return { code: exit.failed === 'ENOENT' ? 127 : 126, failed: exit.failed === 'ENOENT' ? 'command not found' : exit.failed };
    // Exit as the child did: same code, or 128 + signal number like a shell.
    return { code: exit.signal ? 128 + (constants.signals[exit.signal] ?? 0) : (exit.code ?? 1) };
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
  }
}

/** `blindfold exec`, as declared in ../definitions.ts. */
export const execAction = action(async (command: string[], opts: { secret: string[]; env?: string }, cmd: Command) => {
  const specs = parseSecretSpecs(opts.secret);
  const env = environmentFor(opts.env);
  const argv = recordableArgv(command);
  // Found before any value is opened: a mistyped command costs no decryption.
  const program = findExecutable(command[0]!);
  const vault = await openVault(cmd);
  if (!program.found) {
    await recordRun(vault, { argv, exitCode: program.exitCode, env, outcome: 'error', reason: `${program.reason}; no value was resolved` });
    process.stderr.write(`blindfold: error: cannot run ${commandLabel(command[0]!)}: ${program.reason}; no value was resolved\n`);
    process.stderr.write(`blindfold: fix: check the command's name and PATH (\`command -v\` finds it as exec would)\n`);
    process.exitCode = program.exitCode;
    return;
  }

  const { injections, skipped } = expandSpecs(specs, vault.list(), env);
  if (skipped.length) note(`not injected, though the glob matches: ${skipped.join(', ')}`);
  const names = [...new Set(injections.map((i) => i.name))];
  const { assembleBlindfold } = await import('../../open.js');
  const { valuesForChildProcess } = await import('../../handle-core.js');
  // Through a handle of the core: a suspended principal is refused here as at every door, and the
  // use is on the audit trail before any value is decrypted (fail closed).
  const handle = await assembleBlindfold(vault, { principal: { id: cliPrincipal(), env } });
  let values: Map<string, string>;
  try {
    values = await valuesForChildProcess(handle, names, `exec ${commandLabel(command[0]!)}`);
  } finally {
    await handle.close();
  }

  const redactor = new Redactor();
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!OWN_KEY_VARIABLES.test(k)) childEnv[k] = v;
  for (const { name, variable } of injections) {
    const value = values.get(name)!;
    redactor.add({ name, value });
    childEnv[variable] = value;
  }
  values.clear();

  const ended = await runMasked(command, program.path, childEnv, redactor);
  if (ended.failed) process.stderr.write(`blindfold: error: cannot run ${commandLabel(command[0]!)}: ${ended.failed}\n`);
  process.exitCode = ended.code;
  try {
    await recordRun(vault, { argv, exitCode: ended.code, secrets: names, env, outcome: ended.code === 0 ? 'ok' : 'error', reason: ended.failed ?? `exit ${ended.code}` });
  } catch (err) {
    // The use is already on the trail (secret.resolve); the child's exit code stays the answer.
    note(`the end of the run could not be recorded on the audit trail: ${describeError(err)}`);
  }
});
