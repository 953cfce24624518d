/**
 * Terminal I/O for the CLI: reading a secret value without it ever touching argv or the screen,
 * printing results (table or --json), and a progress bar on stderr when it is a TTY.
 */
import { readFile } from 'node:fs/promises';
import { BlindfoldError } from '../errors.js';

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
    if (value === undefined) throw new BlindfoldError('BAD_INPUT', `environment variable ${opts.fromEnv} is not set`);
    return value;
  }
  if (opts.fromFile) {
    try {
      return stripFinalNewline(await readFile(opts.fromFile, 'utf8'));
    } catch (err) {
      throw new BlindfoldError('BAD_INPUT', `cannot read ${opts.fromFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
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
  // Echo goes off before the prompt shows: keys typed the moment it appears must not be echoed.
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
        if (ch === '\u0003') return finish(new BlindfoldError('BAD_INPUT', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export function printJson(data: unknown): void {
  process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Prints notices, warnings and progress: stderr, so stdout stays parseable. */
export function note(message: string): void {
  process.stderr.write(`blindfold: ${message}\n`);
}

export function printTable(headers: string[], rows: string[][]): void {
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
    if (i <= 0) throw new BlindfoldError('BAD_INPUT', `${flag} expects key=value, got ${JSON.stringify(pair.slice(0, 40))}`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
