/**
 * Commander's usage errors, made safe to print. Commander quotes the argument it could not place
 * (`unknown option '--token=sk-live-…'`, `unknown command 'API_KEY=sk-…'`), and a mistyped command
 * line is exactly where a value turns up by habit. A flag is named only while it looks like a flag
 * (no `=value`, no odd characters) and not like a token (src/echo.ts); a command only while it
 * looks like a command word. Commander's
 * "(Did you mean …?)" suggestions name our own options and commands, so they stay.
 */
import { mayRepeat } from '../echo.js';

const FLAG_SHAPE = /^--?[A-Za-z][A-Za-z0-9-]{0,40}$/;
// Lowercase words and hyphens only: a key almost always has a digit, capital or underscore.
const COMMAND_SHAPE = /^[a-z][a-z-]{0,23}$/;

export function flagIsNameable(flag: string): boolean {
  return FLAG_SHAPE.test(flag) && mayRepeat(flag.replace(/^--?/, ''));
}

/** Splits commander's `error: <what> '<input>'<suggestion>` without trusting the input's content. */
function rewrite(text: string, what: string, nameable: (input: string) => boolean, hidden: string): string | undefined {
  const prefix = `error: unknown ${what} '`;
  if (!text.startsWith(prefix)) return undefined;
  const rest = text.slice(prefix.length);
  const hintAt = rest.lastIndexOf("'\n(Did you mean ");
  const end = hintAt >= 0 ? hintAt : rest.lastIndexOf("'");
  const input = rest.slice(0, end);
  if (nameable(input)) return text;
  const hint = hintAt >= 0 ? rest.slice(hintAt + 1) : '\n';
  return `error: unknown ${what} (${hidden})${hint}`;
}

export function safeUsageError(text: string): string {
  return (
    rewrite(text, 'option', flagIsNameable, 'not repeated here: it carries a value or is not a plain --flag') ??
    rewrite(text, 'command', (c) => COMMAND_SHAPE.test(c), 'not repeated here in case it holds a value; see `blindfold --help`') ??
    text
  );
}
