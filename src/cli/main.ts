#!/usr/bin/env node
import module from 'node:module';
import { Command } from 'commander';
import { declareCommands } from './definitions.js';
import { EXIT } from './exit-codes.js';
import { endQuietlyWhenStdoutCloses } from './io.js';
import { safeUsageError } from './usage.js';
import { VERSION } from '../version.js';
import { logToStderr } from '../log-flag.js';

logToStderr();

// Node 22.1+ keeps V8's compiled code between runs for the modules a command loads after this
// (the server stack behind `serve`, above all); Node 20 has no such cache and skips it.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
endQuietlyWhenStdoutCloses();

const program = new Command();
program
  .name('blindfold')
  .description('Keep API keys encrypted and let LLM agents use them without ever seeing them.')
  .version(VERSION)
  .option('--home <dir>', 'home folder for vault, key, audit log and tasks (default: BLINDFOLD_HOME, "home" in $XDG_CONFIG_HOME/blindfold/config.json, else ~/.blindfold)')
  .option('--vault <file>', 'vault file (default: <home>/vault.json)')
  .option('--audit <file>', 'audit log (default: <home>/audit.jsonl)')
  .option('--tasks <dir>', 'folder of task files (default: <home>/tasks)')
  .option('--store <url>', 'keep the vault and audit trail in PostgreSQL (postgres://user@host/db, no password here: BLINDFOLD_STORE, BLINDFOLD_STORE_FILE, PGPASSWORD or ~/.pgpass carry it); default: BLINDFOLD_STORE, else the vault file')
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
<home>/master.key that \`blindfold init\` creates. Values are never accepted as arguments.

Exit codes: 0 ok, 1 error, 2 bad usage or input, 3 vault sealed or damaged, 4 not found,
5 conflict (version changed, vault busy), 127 \`exec\` command not found (126 not executable),
130 cancelled with Ctrl-C at a prompt. \`exec\` otherwise exits as its command did.
NO_COLOR (any non-empty value) turns off colour in log output.`,
  );

declareCommands(program);

await program.parseAsync(process.argv);
