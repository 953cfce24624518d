// `blindfold ui --port 0` as a child process (the built CLI, the real entry), and headless Debian
// Chromium driven by playwright-core, with the flags this machine needs (no network beyond loopback).
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import { CLI } from './cli.js';

export interface UiProcess {
  origin: string;
  child: ChildProcess;
  /** Every one-time login URL printed so far, oldest first. */
  loginUrls(): string[];
  stderr(): string;
  stop(): Promise<number | null>;
}

const LOGIN_URL = /(http:\/\/127\.0\.0\.1:\d+\/login\?token=[A-Za-z0-9_-]+)/g;

export async function startUiProcess(env: NodeJS.ProcessEnv): Promise<UiProcess> {
  const child = spawn(process.execPath, [CLI, 'ui', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /admin page on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m && LOGIN_URL.test(stderr)) resolve(m[1]!);
      LOGIN_URL.lastIndex = 0;
    });
    void exited.then((code) => reject(new Error(`blindfold ui exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    origin,
    child,
    loginUrls: () => [...stderr.matchAll(LOGIN_URL)].map((m) => m[1]!),
    stderr: () => stderr + stdout,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The newest login URL once one newer than `seen` was printed (one is printed after each login). */
export async function nextLoginUrl(ui: UiProcess, seen: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const urls = ui.loginUrls();
    if (urls.length > seen) return urls[urls.length - 1]!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no new login URL was printed');
}

/** Headless Debian Chromium, with a fresh profile (playwright-core makes one and removes it at close). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
