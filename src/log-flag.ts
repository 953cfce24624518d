/**
 * Whether operational logs go to stderr: only when the CLI says so (log.ts). A flag on globalThis,
 * so the CLI entry and the bundled server (a second copy of the modules, same process) agree; and
 * a module of its own, so setting it loads no logger.
 */
const STDERR_FLAG = Symbol.for('blindfold.logToStderr');

/** The CLI's choice: its lines go to stderr. Called before anything logs. */
export function logToStderr(): void {
  (globalThis as Record<symbol, unknown>)[STDERR_FLAG] = true;
}

export function stderrWanted(): boolean {
  return (globalThis as Record<symbol, unknown>)[STDERR_FLAG] === true;
}
