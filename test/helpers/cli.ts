import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = join(REPO, 'dist/cli/main.js');

export interface TempHome {
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A throwaway home folder; HOME points inside it too, so nothing touches the real ~/.blindfold. */
export function tempHome(extraEnv: NodeJS.ProcessEnv = {}): TempHome {
  const root = mkdtempSync(join(tmpdir(), 'blindfold-test-'));
  const home = join(root, 'bf');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: root,
    BLINDFOLD_HOME: home,
    BLINDFOLD_LOG_LEVEL: 'warn',
    // The run's own temp folder (test/helpers/temp-check.ts), so what a child leaves there is seen.
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    ...extraEnv,
  };
  return { home, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], {
    env: opts.env,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runCliAsync(args: string[], opts: { env: NodeJS.ProcessEnv; input?: string }): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.on('error', () => {}); // a child that exits before reading its input closes the pipe (EPIPE)
  child.stdin!.end(opts.input ?? '');
  const done = new Promise<RunResult>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  return { child, done };
}

/** Every regular file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/** Files (byte scan) that contain any of the needles, in raw UTF-8 and a few common encodings. */
export function filesContaining(dir: string, needles: string[]): string[] {
  const forms = needles.flatMap((n) => [n, Buffer.from(n).toString('base64'), Buffer.from(n).toString('hex'), JSON.stringify(n).slice(1, -1)]);
  return filesUnder(dir).filter((f) => {
    const bytes = readFileSync(f);
    return forms.some((form) => bytes.includes(Buffer.from(form)));
  });
}

export function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}
