/**
 * Operational logs: pino to stderr (stdout belongs to the MCP stdio transport). JSON unless stderr
 * is a TTY, where it is pretty-printed (coloured unless NO_COLOR is set). Level from BLINDFOLD_LOG_LEVEL (default info).
 *
 * Only the CLI writes to stderr (`logToStderr` in log-flag.ts, called first thing by its entry).
 * Used as a library,
 * Blindfold writes nothing to the host application's stdout or stderr (issue 20 item 5): its lines
 * reach only the listeners, such as the logger a caller hands `openBlindfold`.
 *
 * Every serialised line passes the registered scrubbers before it is written anywhere (the
 * broker registers its redactor): no call site should log a value, and this is the second wall
 * for the day one does. Listeners (MCP sessions that asked for log notifications) get the same,
 * already scrubbed, line.
 */
import pino, { type Logger } from 'pino';
import { stderrWanted } from './log-flag.js';

type Scrubber = (line: string) => string;
type LineListener = (line: string) => void;

const scrubbers = new Set<Scrubber>();
const listeners = new Map<LineListener, number>();
let root: Logger | undefined;
let stderrLevel = 30;

export function addLogScrubber(scrub: Scrubber): () => void {
  scrubbers.add(scrub);
  return () => scrubbers.delete(scrub);
}

/**
 * Subscribes to log lines at or above `level` (a pino level number). The logger's own level is
 * lowered to the lowest level anyone wants; stderr still gets only BLINDFOLD_LOG_LEVEL and above.
 */
export function onLogLine(listener: LineListener, level = 30): () => void {
  listeners.set(listener, level);
  adjustLevel();
  return () => {
    listeners.delete(listener);
    adjustLevel();
  };
}

function adjustLevel(): void {
  const log = logger();
  const wanted = Math.min(stderrLevel, ...listeners.values());
  log.level = pino.levels.labels[wanted] ?? log.level;
}

/** What a caller's logger must have: pino's level methods (pino itself, or anything shaped like it). */
export type LogSink = Record<'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', (fields: object, message?: string) => void>;

/** Hands every log line (already scrubbed) at or above `level` (BLINDFOLD_LOG_LEVEL's) to `sink`; returns the stop. */
export function forwardLogs(sink: LogSink, level = pino.levels.values[process.env.BLINDFOLD_LOG_LEVEL ?? 'info'] ?? 30): () => void {
  return onLogLine((line) => {
    const { level: n, msg, time: _time, ...fields } = JSON.parse(line) as { level: number; msg?: string; time?: number };
    const name = (pino.levels.labels[n] ?? 'info') as keyof LogSink;
    sink[name]?.(fields, msg);
  }, level);
}

export function scrubLogLine(line: string): string {
  let out = line;
  for (const scrub of scrubbers) out = scrub(out);
  return out;
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off (an empty one does not). */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR;
}

export function logger(): Logger {
  if (!root) {
    const level = process.env.BLINDFOLD_LOG_LEVEL ?? 'info';
    stderrLevel = pino.levels.values[level] ?? 30;
    const target: { write(line: string): unknown } = !stderrWanted()
      ? { write: () => {} }
      : process.stderr.isTTY
        ? pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: colorWanted() } })
        : pino.destination({ fd: 2, sync: true });
    const fanOut = {
      write(line: string) {
        const lineLevel = Number(/"level":(\d+)/.exec(line)?.[1] ?? 30);
        if (lineLevel >= stderrLevel) target.write(line);
        for (const [l, min] of listeners) {
          if (lineLevel < min) continue;
          try {
            l(line);
          } catch {
            // a listener's failure never breaks logging
          }
        }
      },
    };
    root = pino({ level, base: undefined, hooks: { streamWrite: scrubLogLine } }, fanOut);
  }
  return root;
}
