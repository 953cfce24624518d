// The partial-hit allowance (issue 18 item 2): 3 partial hits per principal, the 4th is
// `exhausted`; only a reset gives it back; one count shared by every process of the home, with no
// lost update when several servers spend at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { CountedAllowance, type PartialHitAllowance } from '../../src/policy/allowance.js';
import { stateFile } from '../helpers/state-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'blindfold-allowance-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const kinds: Array<[string, () => PartialHitAllowance]> = [
  ['memory', () => CountedAllowance.inMemory()],
  ['file', () => CountedAllowance.in(stateFile(join(dir, 'allowance.json')))],
];

describe.each(kinds)('partial-hit allowance (%s)', (_kind, make) => {
  it('allows 3 partial hits per principal; the 4th and later are exhausted', async () => {
    const a = make();
    const spends = [];
    for (let i = 0; i < 5; i++) spends.push(await a.spend('stdio:agent-a'));
    expect(spends).toEqual([
      { used: 1, exhausted: false },
      { used: 2, exhausted: false },
      { used: 3, exhausted: false },
      { used: 4, exhausted: true },
      { used: 5, exhausted: true },
    ]);
    // Another principal has its own.
    expect(await a.spend('stdio:agent-b')).toEqual({ used: 1, exhausted: false });
    expect(a.used('stdio:agent-a')).toBe(5);
  });

  it('is given back only by a reset (a human), for that principal only', async () => {
    const a = make();
    for (let i = 0; i < 4; i++) await a.spend('p1');
    await a.spend('p2');
    expect(await a.reset('p1')).toBe(true);
    expect(await a.reset('p1')).toBe(false);
    expect(await a.spend('p1')).toEqual({ used: 1, exhausted: false });
    expect(a.used('p2')).toBe(1);
    expect(await a.resetAll()).toBe(2);
    expect(a.used('p2')).toBe(0);
  });

  it('takes its number from the caller (the settings)', async () => {
    const a = _kind === 'memory' ? CountedAllowance.inMemory(1) : CountedAllowance.in(stateFile(join(dir, 'one.json')), 1);
    expect((await a.spend('p')).exhausted).toBe(false);
    expect((await a.spend('p')).exhausted).toBe(true);
  });
});

describe('partial-hit allowance file', () => {
  it('is one count for every process: 4 processes spending 10 times each at once leave exactly 40', async () => {
    const path = join(dir, 'allowance.json');
    const script = `
      const { CountedAllowance } = await import(${JSON.stringify(join(REPO, 'dist/policy/allowance.js'))});
      const { fileHomeState } = await import(${JSON.stringify(join(REPO, 'dist/store/home-state.js'))});
      const a = CountedAllowance.in(fileHomeState({ allowance: process.argv[1] }));
      await Promise.all(Array.from({ length: 10 }, () => a.spend('stdio:shared')));
    `;
    const runs = Array.from({ length: 4 }, () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], { stdio: 'inherit' });
        child.on('close', resolve);
      }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0]);
    expect(CountedAllowance.in(stateFile(path)).used('stdio:shared')).toBe(40);
  });

  it('fails closed on a damaged file: it never reads as "nothing spent"', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = join(dir, 'allowance.json');
    writeFileSync(path, '{ not json');
    const a = CountedAllowance.in(stateFile(path));
    expect(() => a.used('p')).toThrow(/allowance file .* damaged/);
    await expect(a.spend('p')).rejects.toThrow(/damaged/);
  });
});
