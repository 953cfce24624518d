/**
 * A command's action, loaded when that command runs: `--help`, usage errors and option parsing
 * need only the declarations (definitions.ts), never the vault, the crypto or the server stack.
 */
import { EXIT } from './exit-codes.js';

type CommandAction = (...args: never[]) => Promise<void>;

/** The action of a command whose module is imported only when it runs. */
export function lazy(load: () => Promise<CommandAction>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    let run: (...args: unknown[]) => Promise<void>;
    try {
      run = (await load()) as (...args: unknown[]) => Promise<void>;
    } catch (err) {
      // A broken install, not a usage problem: one line and the error exit code, no stack trace.
      process.stderr.write(`blindfold: error: could not load this command: ${(err as Error).message}\n`);
      process.exitCode = EXIT.error;
      return;
    }
    await run(...args);
  };
}
