// Only `init` may create a home. Anything
// else pointed at a missing vault — a typo in BLINDFOLD_HOME, a wrong --vault — must say where it
// looked and exit 4, not invent a key and an empty vault and report "no secrets yet".
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedVault } from '../helpers/inprocess.js';

let t: TempHome;
beforeEach(() => {
  t = tempHome();
});
afterEach(() => t.cleanup());

const cli = (args: string[], input?: string) => runCli(args, { env: t.env, input });

const readOnly: string[][] = [
  ['list'],
  ['show', 'FOO'],
  ['history', 'FOO'],
  ['rollback', 'FOO', '--to', '1'],
  ['rm', 'FOO', '--force'],
  ['check'],
  ['rotate-key'],
  ['run', 'some_task'],
  ['tasks', 'list'],
  ['exec', '-s', 'FOO', '--', 'true'],
  ['audit', 'verify'],
  ['audit'],
  ['audit', '--json'],
  ['suspended'],
  ['clear', 'stdio'],
];

describe('a missing vault is reported, never created', () => {
  for (const args of readOnly) {
    it(args.join(' '), () => {
      const r = cli(args);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain(join(t.home, 'vault.json'));
      expect(r.stderr).toContain('blindfold init');
      expect(existsSync(t.home)).toBe(false);
    });
  }

  it('--vault naming a missing file is reported with that path', async () => {
    await seedVault(t.env); // what `blindfold init` leaves
    const missing = join(t.home, 'nonexistent.json');
    const r = cli(['--vault', missing, 'list']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(missing);
    expect(existsSync(missing)).toBe(false);
  });

  it('import needs an initialised vault too', () => {
    const env = join(t.home, '..', 'x.env');
    writeFileSync(env, 'FOO_KEY=Kq3Lw5Mz7Nx9Pv2R\n');
    const r = cli(['import', env]);
    expect(r.code).toBe(4);
    expect(existsSync(t.home)).toBe(false);
  });

  it('a set refused for its input creates nothing', () => {
    for (const args of [['set', 'bad name'], ['set', 'GOOD', '--env', 'Bad Env'], ['set', 'GOOD', '--host', 'http://']]) {
      const r = cli(args, 'a-long-enough-value-123');
      expect(r.code, args.join(' ')).toBe(2);
      expect(existsSync(t.home), args.join(' ')).toBe(false);
    }
  });

  // Only `init` creates a vault: a valid `set` or `serve` on a mistyped home must not invent one
  // (the value would land in a vault nobody backs up, the server would serve an empty list).
  for (const args of [['set', 'GOOD', '--host', 'api.example.com'], ['serve']]) {
    it(`${args[0]} refuses a home without a vault, with the path and \`blindfold init\``, () => {
      const r = cli(args, 'a-long-enough-value-123');
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toContain(join(t.home, 'vault.json'));
      expect(r.stderr).toContain('blindfold init');
      expect(existsSync(t.home)).toBe(false);
    });
  }

  it('init creates the home, and then set works', () => {
    expect(cli(['init']).code).toBe(0);
    const r = cli(['set', 'FOO', '--host', 'api.example.com'], 'a-long-enough-value-123');
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(t.home).sort()).toEqual(expect.arrayContaining(['audit.jsonl', 'master.key', 'vault.json']));
  });
});
