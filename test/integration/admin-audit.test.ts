// Promise 9: no admin change lands unaudited. With the audit log unwritable, every command that
// changes the vault must fail and leave the vault file byte for byte as it was.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';

const VALUE = 'sk-live-audit-first-9f8e7d6c5b4a';
const NEW_VALUE = 'sk-live-audit-second-0a1b2c3d4e5f';

let t: TempHome;
const cli = (args: string[], input?: string) => runCli(args, { env: t.env, input });

beforeAll(async () => {
  t = tempHome();
  for (const v of [VALUE, `${VALUE}-v2`]) await seedSecret(t.env, 'FOO', v, '--host', 'api.example.com');
  await seedSecret(t.env, 'BAR', VALUE, '--host', 'api.example.com');
  writeFileSync(join(t.home, 'more.env'), `BAZ=${NEW_VALUE}\nFOO=${NEW_VALUE}\n`);
  // root ignores file modes, so a directory in the log's place is what makes it unwritable here.
  rmSync(join(t.home, 'audit.jsonl'));
  mkdirSync(join(t.home, 'audit.jsonl'));
});
afterAll(() => t.cleanup());

const changes: Array<[string, string[], string?]> = [
  ['set (create)', ['set', 'NEW_ONE', '--host', 'api.example.com'], NEW_VALUE],
  ['set (new value)', ['set', 'FOO'], NEW_VALUE],
  ['set --keep-value (policy only)', ['set', 'FOO', '--keep-value', '--host', 'other.example.com']],
  ['rm', ['rm', 'BAR', '--force']],
  ['rollback', ['rollback', 'FOO', '--to', '1']],
  ['import', ['import', 'IMPORT_FILE']],
  ['rotate-key', ['rotate-key']],
];

describe('an unwritable audit log refuses every admin change and writes nothing', () => {
  for (const [label, args, input] of changes) {
    it(label, () => {
      const vault = readFileSync(join(t.home, 'vault.json'));
      const key = readFileSync(join(t.home, 'master.key'));
      const r = cli(args.map((a) => (a === 'IMPORT_FILE' ? join(t.home, 'more.env') : a)), input);
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.stderr).toContain('AUDIT_UNAVAILABLE');
      expect(readFileSync(join(t.home, 'vault.json')).equals(vault)).toBe(true);
      expect(readFileSync(join(t.home, 'master.key')).equals(key)).toBe(true);
      expect(existsSync(join(t.home, 'master.key.next'))).toBe(false);
      expect(r.stdout + r.stderr).not.toContain(NEW_VALUE);
    });
  }

  it('and the listing still shows only what was audited', () => {
    const r = cli(['list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const names = (JSON.parse(r.stdout) as { secrets: Array<{ name: string; version: number }> }).secrets.map((s) => `${s.name}@${s.version}`);
    expect(names).toEqual(['BAR@1', 'FOO@2']);
  });
});
