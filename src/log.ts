/**
 * Operational logs: pino to stderr (stdout belongs to the MCP stdio transport). JSON unless stderr
 * is a TTY, where it is pretty-printed. Level from BLINDFOLD_LOG_LEVEL (default info).
 */
import pino, { type Logger } from 'pino';

let root: Logger | undefined;

export function logger(): Logger {
  if (!root) {
    const level = process.env.BLINDFOLD_LOG_LEVEL ?? 'info';
    root = process.stderr.isTTY
      ? pino({ level, base: undefined }, pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true } }))
      : pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
  }
  return root;
}
