import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import type { Task, TaskProblem } from '../../tasks/loader.js';
import { TASK_NAME } from '../../tasks/schema.js';
import { SECRET_NAME_RULE, whyNotAName } from '../../vault/names.js';
import { action, cliPrincipal, environmentFor, openVault } from '../context.js';
import { note, printJson, printLine } from '../io.js';
import { repeatable, repeatablePath } from '../../echo.js';

/** `--input k=v`: strings stay strings; other declared types are read as JSON (`--input count=3`). */
function parseInputs(task: Task, pairs: string[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    // The pair is not repeated: without a name it may be a bare value.
    if (i <= 0) throw new BlindfoldError('BAD_INPUT', '--input expects name=value; one was given without a name or "=" (not repeated here)');
    const name = pair.slice(0, i);
    // Input names follow the secret-name rule; anything else is not repeated (the task runner's
    // "unrecognized key" message would quote it, and it may be a value).
    if (!SECRET_NAME_RULE.test(name)) throw new BlindfoldError('BAD_INPUT', `--input: an input name is not valid (not repeated here): ${whyNotAName(name, 64, 'letters, digits and _')}`);
    const raw = pair.slice(i + 1);
    const schema = task.inputs?.properties?.[name];
    const isString = !schema || (schema.type ?? (schema.enum ? typeof schema.enum[0] : 'string')) === 'string';
    if (isString) inputs[name] = raw;
    else {
      try {
        inputs[name] = JSON.parse(raw);
      } catch {
        throw new BlindfoldError('BAD_INPUT', `--input ${name} must be JSON (${schema?.type}), e.g. ${name}=3 or ${name}=true`);
      }
    }
  }
  return inputs;
}

/**
 * A task that is not there may be a file that failed to load, whose task name the loader never
 * learned. So every load problem is told (file, line, why) rather than only "no task named X".
 */
function notLoaded(name: string, folder: string, problems: TaskProblem[], format: (p: TaskProblem) => string): BlindfoldError {
  if (problems.length === 0) return new BlindfoldError('TASK_NOT_FOUND', `no task named ${repeatable(name)} in ${repeatablePath(folder)}; \`blindfold tasks list\` shows them`);
  const shown = problems.slice(0, 5).map(format).join('; ');
  const more = problems.length > 5 ? `; and ${problems.length - 5} more (\`blindfold tasks check\`)` : '';
  return new BlindfoldError(
    'TASK_NOT_FOUND',
    `no task named ${repeatable(name)} loaded from ${repeatablePath(folder)}; ${problems.length} task file(s) failed to load, it may be one of them: ${shown}${more}`,
    { problems },
  );
}

/** `blindfold run`, as declared in ../definitions.ts: the task runs through a handle of the core, as any agent's would. */
export const runAction = action(async (name: string, opts: { input: string[]; env?: string; json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  // Checked before anything is repeated: a value typed as the task name must not be echoed.
  if (!TASK_NAME.test(name)) throw new BlindfoldError('BAD_INPUT', `invalid task name (not repeated here in case it holds a value): ${whyNotAName(name, 64, 'letters, digits, _ and -')}`);
  // The HTTP stack and YAML, only for commands that send.
  const [{ assembleBlindfold }, { formatProblem }] = await Promise.all([import('../../open.js'), import('../../tasks/loader.js')]);
  // Suspensions, the tripwire's allowance, quotas and the audit principal apply as for every door.
  const handle = await assembleBlindfold(vault, { principal: { id: cliPrincipal(), env: environmentFor(opts.env) } });
  try {
    const task = handle.tasks().find((t) => t.name === name);
    if (!task) throw notLoaded(name, vault.paths.tasks, handle.taskProblems(), formatProblem);
    const result = await handle.runTask(name, parseInputs(task, opts.input));
    if (opts.json) printJson(result);
    else {
      for (const s of result.steps) note(`step ${s.name}: ${s.method} → HTTP ${s.status} (${s.durationMs} ms${s.redacted.length ? `, redacted ${s.redacted.join(', ')}` : ''})`);
      printLine(typeof result.output === 'string' ? result.output : JSON.stringify(result.output, null, 2));
    }
    if (!result.ok) {
      note(`step ${result.failedStep} answered with an error status; the task stopped there`);
      process.exitCode = 1;
    }
  } finally {
    await handle.close();
  }
});
