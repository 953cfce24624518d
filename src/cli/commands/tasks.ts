import type { Command } from 'commander';
import { action, openVault } from '../context.js';
import { printJson, printLine, printTable } from '../io.js';
import { repeatablePath } from '../../echo.js';

/** `blindfold tasks list`, as declared in ../definitions.ts. */
export const tasksListAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  const { loadTaskFolder } = await import('../../tasks/loader.js');
  const { tasks: loaded, problems } = loadTaskFolder(vault.paths.tasks, vault);
  const rows = loaded.map((t) => ({
    name: t.name,
    description: t.description,
    file: t.file,
    inputs: Object.keys(t.inputs?.properties ?? {}),
    required: t.inputs?.required ?? [],
    secrets: t.secrets,
    readOnly: t.readOnly,
  }));
  if (opts.json) return printJson({ folder: repeatablePath(vault.paths.tasks), tasks: rows, problems });
  if (rows.length === 0) printLine(`no tasks in ${repeatablePath(vault.paths.tasks)}`);
  else printTable(['NAME', 'INPUTS', 'SECRETS', 'DESCRIPTION'], rows.map((r) => [r.name, r.inputs.join(',') || '-', r.secrets.join(',') || '-', r.description.split('\n')[0]!.slice(0, 60)]));
  const { formatProblem } = await import('../../tasks/loader.js');
  for (const p of problems) process.stderr.write(`blindfold: not loaded: ${formatProblem(p)}\n`);
});

/** `blindfold tasks check`, as declared in ../definitions.ts. */
export const tasksCheckAction = action(async (opts: { json?: boolean }, cmd: Command) => {
  const vault = await openVault(cmd);
  const { formatProblem, loadTaskFolder } = await import('../../tasks/loader.js');
  const { tasks: loaded, problems } = loadTaskFolder(vault.paths.tasks, vault);
  if (opts.json) printJson({ folder: repeatablePath(vault.paths.tasks), ok: problems.length === 0, tasks: loaded.map((t) => t.name), problems });
  else {
    for (const t of loaded) printLine(`ok      ${t.name} (${t.file})`);
    for (const p of problems) printLine(`problem ${formatProblem(p)}`);
    printLine(`${loaded.length} task(s) ok, ${problems.length} problem(s)`);
  }
  if (problems.length > 0) process.exitCode = 1;
});
