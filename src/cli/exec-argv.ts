/**
 * What `blindfold exec` may say about the command it runs, in messages and on the audit trail
 * (issue 20 item 3).
 * A command line often carries a value (`curl -H "Authorization: Bearer …"`), so each argument is
 * kept only when src/echo.ts's mayRepeat accepts its parts: an option's name, the value after `=`,
 * each part of a path.
 */
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
