/**
 * What `blindfold exec` may say about the command it runs, in messages and on the audit trail
 * (issue 20 item 3), and whether that command exists before any value is opened for it.
 * A command line often carries a value (`curl -H "Authorization: Bearer …"`), so each argument is
 * kept only when src/echo.ts's mayRepeat accepts its parts: an option's name, the value after `=`,
 * each part of a path.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { mayRepeat } from '../echo.js';

export const NOT_RECORDED = '(not recorded)';

/** A path, an option or an option=value, judged piece by piece; a leading dot (`.venv`) is not a value. */
function mayRecord(arg: string): boolean {
  if (arg === '-' || arg === '--') return true;
  const option = /^--?([^=]*)(?:=(.*))?$/s.exec(arg);
  if (option) return option[1] !== '' && mayRecord(option[1]!) && (option[2] === undefined || option[2] === '' || mayRecord(option[2]));
  if (!arg.includes('/')) return mayRepeat(arg.replace(/^\.+/, '') || 'dot');
  return arg.split('/').every((part) => part === '' || part === '.' || part === '..' || mayRepeat(part.replace(/^\.+/, '')));
}

/** One argument as the trail keeps it: whole, as `--name=(not recorded)`, or NOT_RECORDED. */
function recordable(arg: string): string {
  if (mayRecord(arg)) return arg;
  const option = /^(--?[^=]+)=/s.exec(arg);
  return option && mayRecord(option[1]!) ? `${option[1]}=${NOT_RECORDED}` : NOT_RECORDED;
}

/** The argv as the audit trail keeps it: each argument that might be a value replaced. */
export function recordableArgv(argv: readonly string[]): string[] {
  return argv.map(recordable);
}

/** The command's name for a message, only while it cannot be a value. */
export function commandLabel(file: string): string {
  return mayRecord(file) ? file : 'the command (not repeated here: it does not look like a program name)';
}

export type Executable = { found: true; path: string } | { found: false; reason: 'command not found' | 'not executable' };

function isExecutableFile(path: string): 'yes' | 'not executable' | 'absent' {
  try {
    if (!statSync(path).isFile()) return 'absent';
  } catch {
    return 'absent';
  }
  try {
    accessSync(path, constants.X_OK);
    return 'yes';
  } catch {
    return 'not executable';
  }
}

/**
 * Whether `file` would run, looked up as execvp does (a name with a `/` as a path, any other on
 * PATH, an empty PATH entry meaning the current folder): checked before the vault opens a value.
 */
export function findExecutable(file: string, path = process.env.PATH ?? ''): Executable {
  if (file === '') return { found: false, reason: 'command not found' };
  const candidates = file.includes('/') ? [file] : path.split(delimiter).map((dir) => join(dir || '.', file));
  let blocked = false;
  for (const candidate of candidates) {
    const state = isExecutableFile(candidate);
    if (state === 'yes') return { found: true, path: candidate };
    if (state === 'not executable') blocked = true;
  }
  return { found: false, reason: blocked ? 'not executable' : 'command not found' };
}
