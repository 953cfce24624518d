import type { Command } from 'commander';
import { BlindfoldError } from '../../errors.js';
import { mayRepeat } from '../../echo.js';
import { action } from '../context.js';
import { printLine } from '../io.js';
import { completionScript, SHELLS, type Shell } from '../completion-scripts.js';

/** `blindfold completion SHELL`, as declared in ../definitions.ts: the script, read off the program that runs. */
export const completionAction = action((shell: string, _opts: unknown, cmd: Command) => {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    const named = mayRepeat(shell) ? `unknown shell ${shell}` : 'unknown shell (not repeated here)';
    throw new BlindfoldError('BAD_INPUT', `${named}; one of ${SHELLS.join(', ')}`);
  }
  let program = cmd;
  while (program.parent) program = program.parent;
  printLine(completionScript(shell as Shell, program).trimEnd());
});
