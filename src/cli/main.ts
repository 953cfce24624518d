#!/usr/bin/env node
import { Command } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerCheck } from './commands/check.js';
import { registerHistory } from './commands/history.js';
import { registerImport } from './commands/import.js';
import { registerInit } from './commands/init.js';
import { registerList } from './commands/list.js';
import { registerPresets } from './commands/presets.js';
import { registerRm } from './commands/rm.js';
import { registerRotateKey } from './commands/rotate-key.js';
import { registerServe } from './commands/serve.js';
import { registerSet } from './commands/set.js';
import { registerShow } from './commands/show.js';
import { registerRun } from './commands/run.js';
import { registerTasks } from './commands/tasks.js';
import { registerExec } from './commands/exec.js';
import { registerSuspensions } from './commands/suspensions.js';
import { EXIT } from './context.js';
import { endQuietlyWhenStdoutCloses } from './io.js';
import { safeUsageError } from './usage.js';
import { VERSION } from '../version.js';

endQuietlyWhenStdoutCloses();

const program = new Command();
program
  .name('blindfold')
  .description('Keep API keys encrypted and let LLM agents use them without ever seeing them.')
  .version(VERSION)
  .option('--home <dir>', 'home folder for vault, key, audit log and tasks (default: BLINDFOLD_HOME or ~/.blindfold)')
  .option('--vault <file>', 'vault file (default: <home>/vault.json)')
  .option('--audit <file>', 'audit log (default: <home>/audit.jsonl)')
  .option('--tasks <dir>', 'folder of task files (default: <home>/tasks)')
  .showHelpAfterError('(run with --help for usage)')
  // Commander quotes what it could not parse (`unknown option '--token=sk-live-…'`); every usage
  // error passes through here so nothing that may hold a value reaches the terminal (promise 1).
  // Subcommands inherit this (they are created after it).
  .configureOutput({ outputError: (text, write) => write(safeUsageError(text)) })
  .exitOverride((err) => {
    // commander's own usage errors (missing argument, unknown command) exit 2, like other CLIs.
    process.exit(err.exitCode === 0 ? 0 : EXIT.usage);
  })
  .addHelpText(
    'after',
    `
The master key comes from BLINDFOLD_MASTER_KEY or BLINDFOLD_MASTER_KEY_FILE, or the key file
<home>/master.key that the first run creates. Values are never accepted as arguments.

Exit codes: 0 ok, 1 error, 2 bad usage or input, 3 vault sealed or damaged, 4 not found,
5 conflict (version changed, vault busy), 127 \`exec\` command not found (126 not executable),
130 cancelled with Ctrl-C at a prompt. \`exec\` otherwise exits as its command did.
NO_COLOR (any non-empty value) turns off colour in log output.`,
  );

for (const register of [registerInit, registerSet, registerList, registerShow, registerRm, registerHistory, registerImport, registerRotateKey, registerCheck, registerPresets, registerServe, registerRun, registerTasks, registerExec, registerAudit, registerSuspensions]) {
  register(program);
}

await program.parseAsync(process.argv);
