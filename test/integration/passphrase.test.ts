// A passphrase vault opened with no key configured asks for the passphrase on a terminal (hidden),
// so it need not sit in an environment variable or shell history; without a terminal the sealed
// error says a passphrase is needed, not that some master.key (which never existed) is missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { runCliOnTty } from '../helpers/tty.js';

const PASSPHRASE = 'correct horse battery staple 42';
const VALUE = 'sk-passphrase-vault-Mn4Bv6Cx8Zl';
let t: TempHome;
let bare: NodeJS.ProcessEnv;

beforeAll(() => {
  t = tempHome();
  expect(runCli(['init'], { env: { ...t.env, BLINDFOLD_MASTER_KEY: PASSPHRASE } }).code).toBe(0);
  const r = runCli(['set', 'PP_KEY', '--host', 'api.example.com'], { env: { ...t.env, BLINDFOLD_MASTER_KEY: PASSPHRASE }, input: VALUE });
  expect(r.code, r.stderr).toBe(0);
  expect(existsSync(join(t.home, 'master.key'))).toBe(false);
  bare = { ...t.env, TERM: 'dumb' };
});
afterAll(() => t.cleanup());

describe('passphrase vaults', () => {
  it('prompt for the passphrase on a terminal, without echoing it', () => {
    const r = runCliOnTty(['list'], bare, [['Passphrase', `${PASSPHRASE}\r`]]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('PP_KEY');
    expect(r.output).not.toContain(PASSPHRASE);
    expect(r.output).not.toContain(VALUE);
  });

  it('a wrong passphrase at the prompt seals the vault (exit 3) and changes nothing', () => {
    const r = runCliOnTty(['list'], bare, [['Passphrase', 'not the right passphrase\r']]);
    expect(r.code, r.output).toBe(3);
    expect(r.output).toContain('sealed');
    expect(r.output).not.toContain('not the right passphrase');
  });

  it('without a terminal, the sealed error asks for the passphrase and names no master.key', () => {
    const r = runCli(['list'], { env: t.env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('passphrase');
    expect(r.stderr).not.toContain('master.key');
  });
});
