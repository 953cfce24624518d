/**
 * Terminal I/O for the CLI: reading a secret value without it ever touching argv or the screen,
 * printing results (table or --json), and a progress bar on stderr when it is a TTY.
 */
import { readFile } from 'node:fs/promises';
import { UNSAFE_CHAR_CLASS } from '../audit/unsafe.js';
import { BlindfoldError } from '../errors.js';
import { mayRepeat } from '../echo.js';

/**
 * `blindfold list | head -1`: once the reader has gone, there is nobody left to tell anything, so
 * the command ends quietly with 0, like git, instead of dying on an unhandled EPIPE with a stack
 * trace. Installed once at start-up, so every command gets it.
 */
export function endQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  // A closed stderr (`2>&1 | head`) loses only notices; the command's own work goes on.
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

export interface ValueSourceOptions {
  fromEnv?: string;
  fromFile?: string;
}

/** Strips the one line ending that `echo`, editors and here-strings add; keeps everything else. */
function stripFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

export async function readSecretValue(name: string, opts: ValueSourceOptions): Promise<string> {
  if (opts.fromEnv && opts.fromFile) {
    throw new BlindfoldError('BAD_INPUT', 'use only one of --from-env and --from-file');
  }
  if (opts.fromEnv) {
    const value = process.env[opts.fromEnv];
    if (value === undefined) {
      // Quoted only when it could be a variable name: `--from-env sk-live-…` is a value in the wrong place.
      const named = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(opts.fromEnv) && mayRepeat(opts.fromEnv) ? `environment variable ${opts.fromEnv}` : 'the variable given to --from-env (not repeated: not a variable name)';
      throw new BlindfoldError('BAD_INPUT', `${named} is not set`);
    }
    return value;
  }
  if (opts.fromFile) {
    try {
      return stripFinalNewline(await readFile(opts.fromFile, 'utf8'));
    } catch (err) {
      // The path is not repeated: `--from-file sk-live-…` is a value given where a path was expected.
      throw new BlindfoldError('BAD_INPUT', `cannot read the file given to --from-file: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  if (process.stdin.isTTY) return promptHidden(`Value for ${name} (input hidden): `);
  return stripFinalNewline(await readAllStdin());
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from the TTY with echo off. The prompt goes to stderr; nothing is echoed. */
export function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  // Echo goes off before the prompt appears: keys typed (or pasted) as soon as it shows must
  // neither be echoed nor turned into signals by the terminal's line discipline.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    stdin.resume();
    stdin.setEncoding('utf8');
    const finish = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') {
          // Ctrl-C: the terminal is restored first, then exit 130 (128 + SIGINT) as a shell would.
          // Nothing has been written yet: values are read before the vault is opened.
          finish();
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * What reaches the admin's screen is shown, never acted on (issue 18 item 8). Text an agent or a
 * file chose (an audit entry's path, reason, principal, a secret's description…) passes through
 * here before it is written, so it cannot clear the screen, move the cursor, retitle the window,
 * forge rows, or reorder what is shown. Escaped: C0 (0x00–0x1F), DEL (0x7F) and C1 (0x80–0x9F,
 * where 0x9B is a one-byte CSI, the same as ESC [); every format character (Cf: the bidi
 * embeddings, overrides and isolates U+202A–E and U+2066–9, the marks U+200E/F and U+061C,
 * zero-width characters, tag characters); and the line and paragraph separators U+2028/9.
 */
const UNSAFE = new RegExp(`[${UNSAFE_CHAR_CLASS}]`, 'gu');
/** The same, keeping the line feeds and tabs a command's own output is laid out with. */
const UNSAFE_BUT_LAYOUT = new RegExp(`(?![\\n\\t])[${UNSAFE_CHAR_CLASS}]`, 'gu');
/** The same for JSON text: JSON.stringify escapes C0 itself and leaves the rest raw. */
const UNSAFE_IN_JSON = new RegExp(`(?![\\u0000-\\u001f])[${UNSAFE_CHAR_CLASS}]`, 'gu');

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** `\xHH` up to 0xFF (as terminals' own notation), `\uHHHH` above, `\u{HHHHH}` past the BMP. */
function visible(c: string): string {
  const cp = c.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
  return cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\u{${hex(cp, 5)}}`;
}

/** For a text field (a table cell): every unsafe character, line feeds included, becomes visible. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** For whole output (the one place it is written): the same, keeping line feeds and tabs. */
export function screenSafe(text: string): string {
  return text.replace(UNSAFE_BUT_LAYOUT, visible);
}

/**
 * Outside strings JSON has none of these characters, so `\uXXXX` here (each UTF-16 unit, which is
 * how JSON spells a character past the BMP) is the same document with every one spelled as an
 * escape: parsed back, the data is unchanged; printed, nothing is acted on.
 */
export function toJson(data: unknown, indent?: number): string {
  return JSON.stringify(data, null, indent).replace(UNSAFE_IN_JSON, (c) => c.split('').map((unit) => `\\u${hex(unit.charCodeAt(0), 4)}`).join(''));
}

export function printJson(data: unknown): void {
  printLine(toJson(data, 2));
}

/** Every line of a command's output goes out here (or through printJson/printTable, which come here). */
export function printLine(line = ''): void {
  process.stdout.write(`${screenSafe(line)}\n`);
}

/** An error or notice written to stderr as is, but screen-safe (for the CLI's error reporter). */
export function writeStderr(text: string): void {
  process.stderr.write(screenSafe(text));
}

/** Prints notices, warnings and progress: stderr, so stdout stays parseable. */
export function note(message: string): void {
  writeStderr(`blindfold: ${message}\n`);
}

/** Cells are escaped (escapeControls): one row per line, whatever text a cell holds. */
export function printTable(headers: string[], unsafeRows: string[][]): void {
  const rows = unsafeRows.map((r) => r.map((c) => escapeControls(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  printLine(fmt(headers));
  for (const row of rows) printLine(fmt(row));
}

/** A one-line progress bar on a TTY stderr; silent otherwise so logs and pipes stay clean. */
export function progressBar(label: string): { update(done: number, total: number): void; done(): void } {
  const tty = process.stderr.isTTY;
  let last = -1;
  return {
    update(done, total) {
      if (!tty || total === 0) return;
      const pct = Math.floor((done / total) * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% (${done}/${total})`);
    },
    done() {
      if (tty && last >= 0) process.stderr.write('\n');
    },
  };
}

export function parseKeyValues(pairs: string[] | undefined, flag: string): Record<string, string> | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    // The pair is not repeated: its text may be a value given without a key.
    if (i <= 0) throw new BlindfoldError('BAD_INPUT', `${flag} expects key=value; one was given without a key or "=" (not repeated here)`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
