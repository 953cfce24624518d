import type { Command } from 'commander';
import { mayRepeat } from '../../echo.js';
import { EXIT } from '../exit-codes.js';
import { printLine, writeStderr } from '../io.js';
import { completionScript, SHELLS, type Shell } from '../completion-scripts.js';

/**
 * `blindfold completion SHELL`, as declared in ../definitions.ts: the script, read off the program
 * that runs. Not wrapped in context.ts's `action`, which would load the vault's crypto for nothing
 * (shells run this at every start); its one error is written here in the same form.
 */
export async function completionAction(shell: string, _opts: unknown, cmd: Command): Promise<void> {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    const named = mayRepeat(shell) ? `unknown shell ${shell}` : 'unknown shell (not repeated here)';
    writeStderr(`blindfold: error: ${named}; one of ${SHELLS.join(', ')} [BAD_INPUT]\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  let program = cmd;
  while (program.parent) program = program.parent;
  printLine(completionScript(shell as Shell, program).trimEnd());
}
