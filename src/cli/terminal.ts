/**
 * A terminal for a child without native addons (issue 20 item 3): util-linux's script(1) runs it
 * on a pseudo-terminal of its own, so prompts, colours and hidden password reads work, while
 * everything the child shows still comes back through a pipe that Blindfold can mask.
 *
 * script does the terminal work itself: it puts ours in raw mode (keys, Ctrl-C included, go to
 * the child's terminal, not to us as signals) and back, and copies the window size and its
 * changes (SIGWINCH). Blindfold must not set raw mode first: script copies our settings to the
 * child's terminal, whose Enter would then no longer end a line. Should script be killed before
 * it restores ours, Node restores the terminal settings it found when Blindfold exits.
 */
import { spawnSync } from 'node:child_process';
import { findExecutable } from './exec-path.js';

/** What to spawn instead of the command: script, its arguments and the environment it needs. */
export interface TerminalLaunch {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Quoted for a POSIX shell: nothing inside single quotes is special but the quote itself. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * util-linux's script, or undefined (another script — BusyBox, BSD — takes other flags, and
 * a missing one means no terminal). Asked once per exec; it answers in a few milliseconds.
 */
function utilLinuxScript(path: string | undefined): string | undefined {
  const found = findExecutable('script', path);
  if (!found.found) return undefined;
  // Asked with an empty environment: our own (the master key, perhaps) is none of its business.
  const version = spawnSync(found.path, ['--version'], { encoding: 'utf8', timeout: 5000, env: {} });
  return version.status === 0 && version.stdout.includes('util-linux') ? found.path : undefined;
}

/**
 * How to run `argv` (its program already found at `program`) on a terminal of its own, or
 * undefined when script(1) is not here. script hands its command to `$SHELL -c`, so the
 * shell is made /bin/sh (the quoting is POSIX) and the child gets the admin's SHELL back
 * before the shell replaces itself with it; `-e` returns the child's exit code (128 + signal
 * when killed), `-q` keeps script's own banner out and /dev/null keeps no typescript file.
 */
export function terminalLaunch(argv: readonly string[], program: string, env: NodeJS.ProcessEnv): TerminalLaunch | undefined {
  const script = utilLinuxScript(env.PATH);
  if (!script) return undefined;
  const [file, ...args] = argv;
  // A name the shell's exec would read as an option goes by its path.
  const words = [file!.startsWith('-') ? program : file!, ...args].map(shellQuote).join(' ');
  const shell = env.SHELL === undefined ? 'unset SHELL' : `SHELL=${shellQuote(env.SHELL)}; export SHELL`;
  return { file: script, args: ['-q', '-e', '-c', `${shell}; exec ${words}`, '/dev/null'], env: { ...env, SHELL: '/bin/sh' } };
}

/** Whether the person running exec is at a terminal (both ends): only then does the child get one. */
export function atTerminal(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true;
}
