import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { Redactor } from '../../redact/redactor.js';
import { assertSecretName } from '../../vault/names.js';
import { action, cliPrincipal, environmentFor, openVault } from '../context.js';

/** Blindfold's own key material never reaches the child, whatever it is called. */
const OWN_KEY_VARIABLES = /^BLINDFOLD_(MASTER_KEY|MASTER_KEY_FILE|NEW_MASTER_KEY|NEW_MASTER_KEY_FILE|.*_KEY)$/;

function parseMapping(spec: string): { name: string; variable: string } {
  const [name = '', variable = name] = spec.split(':');
  assertSecretName(name);
  // From here the name is known good; the variable part is quoted only once it is a valid name.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new BlindfoldError('BAD_INPUT', `-s ${name}:…: the part after ":" is not a valid environment variable name (not repeated here)`);
  }
  if (OWN_KEY_VARIABLES.test(variable)) throw new BlindfoldError('BAD_INPUT', `-s ${name}:${variable}: ${variable} is reserved for Blindfold's own key`);
  return { name, variable };
}

/** Pipes a child's output through the redactor; values split across writes are still caught. */
function maskInto(source: NodeJS.ReadableStream, target: NodeJS.WriteStream, redactor: Redactor): Promise<void> {
  const stream = redactor.stream();
  const decoder = new StringDecoder('utf8');
  return new Promise((resolve) => {
    source.on('data', (chunk: Buffer) => {
      const out = stream.push(decoder.write(chunk));
      if (out) target.write(out);
    });
    source.on('end', () => {
      const out = stream.push(decoder.end()) + stream.end();
      if (out) target.write(out);
      resolve();
    });
  });
}

/** The command is named only while it looks like a program name or path: it might be a value. */
function commandLabel(file: string): string {
  return /^[A-Za-z0-9_./+-]{1,200}$/.test(file) && !/\d{4,}|[A-Za-z0-9]{24,}/.test(file) ? file : 'the command (not repeated here: it does not look like a program name)';
}

/** `blindfold exec`, as declared in ../definitions.ts. */
export const execAction = action(async (command: string[], opts: { secret: string[]; env?: string }, cmd: Command) => {
  const mappings = opts.secret.map(parseMapping);
  const env = environmentFor(opts.env);
  const vault = await openVault(cmd);
  const names = [...new Set(mappings.map((m) => m.name))];
  const { assembleBlindfold, valuesForChildProcess } = await import('../../open.js');
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
  for (const m of mappings) {
    const value = values.get(m.name)!;
    redactor.add({ name: m.name, value });
    childEnv[m.variable] = value;
  }

  const [file, ...args] = command;
  const child = spawn(file!, args, { env: childEnv, stdio: ['inherit', 'pipe', 'pipe'] });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const masked = Promise.all([maskInto(child.stdout!, process.stdout, redactor), maskInto(child.stderr!, process.stderr, redactor)]);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; failed?: string }>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => resolve({ code: null, signal: null, failed: err.code ?? 'error' }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  await masked;
  for (const [s, h] of handlers) process.off(s, h);
  if (exit.failed) {
    // Like a shell: 127 when the command is not found, 126 when it cannot be executed.
    const notFound = exit.failed === 'ENOENT';
    process.stderr.write(`blindfold: error: cannot run ${commandLabel(file!)}: ${notFound ? 'command not found' : exit.failed}\n`);
    process.exitCode = notFound ? 127 : 126;
    return;
  }
  // Exit as the child did: same code, or 128 + signal number like a shell.
  process.exitCode = exit.signal ? 128 + (constants.signals[exit.signal] ?? 0) : (exit.code ?? 1);
});
