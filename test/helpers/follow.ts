// `blindfold audit --follow` as a child process, for the tests of follow on a file and on PostgreSQL.
import type { ChildProcess } from 'node:child_process';
import { runCliAsync, type RunResult, type TempHome } from './cli.js';

export interface Follower {
  child: ChildProcess;
  done: Promise<RunResult>;
  stderr(): string;
  /** Resolves with stdout once it satisfies `ready` (bounded, so a broken follow fails instead of hanging). */
  until(ready: (stdout: string) => boolean): Promise<string>;
}

export function follow(home: TempHome, args: string[]): Follower {
  const { child, done } = runCliAsync(['audit', '--follow', ...args], { env: home.env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: string) => (stdout += d));
  child.stderr!.on('data', (d: string) => (stderr += d));
  const until = (ready: (s: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const started = Date.now();
      const look = setInterval(() => {
        if (ready(stdout)) {
          clearInterval(look);
          resolve(stdout);
        } else if (Date.now() - started > 20_000) {
          clearInterval(look);
          reject(new Error(`follow output never became ready:\n${stdout}\n${stderr}`));
        }
      }, 50);
    });
  return { child, done, stderr: () => stderr, until };
}

/** The JSON lines of `audit --json` output. */
export const entries = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { seq?: number; action: string; secrets?: string[] });
