// Only `init`, `set` (once its input is valid) and the first `serve` may create a home. Anything
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
    for (const args of [['set', 'bad name'], ['set', 'GOOD', '--env', 'Bad Env'], ['set', 'GOOD', '--host', 'http://'], ['set', 'GOOD']]) {
      const r = cli(args, args.length === 2 && args[1] === 'GOOD' ? 'short' : 'a-long-enough-value-123');
      expect(r.code, args.join(' ')).toBe(2);
      expect(existsSync(t.home), args.join(' ')).toBe(false);
    }
  });

  it('init, a valid set and serve create the home', () => {
    const r = cli(['set', 'FOO', '--host', 'api.example.com'], 'a-long-enough-value-123');
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(t.home).sort()).toEqual(expect.arrayContaining(['audit.jsonl', 'master.key', 'vault.json']));
  });
});
