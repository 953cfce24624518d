// Values public by design (issue 18 item 5): `set --public` marks one (a Stripe publishable key, a
// Sentry DSN's public key, an AWS access key id); it stays host-bound and redacted, but the index
// tells the redactor it is public so the tripwire leaves it alone. `import` proposes the flag for
// names that say so (*PUBLISHABLE*, NEXT_PUBLIC_*, *_PUBLIC_KEY…): with --public-from-name, or by
// asking on a terminal; never unasked.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { openVaultOf, seedVault } from '../helpers/inprocess.js';
import { runCliOnTty } from '../helpers/tty.js';
import { VaultIndex } from '../../src/redact/vault-index.js';

const PUBLISHABLE = 'pk_live_51Hq8Lm2Rt5Xw9Zk3Vn7Bc1Qp4Hs6Jy';
const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQv';
const NEXT = 'Ab3Xk9Lm2Qw7Rt5Zp8Vn4Hs1Jc6';

let t: TempHome;
beforeEach(async () => {
  t = tempHome();
  await seedVault(t.env);
});
afterEach(() => t.cleanup());

const cli = (args: string[], input?: string) => {
  const r = runCli(args, { env: t.env, ...(input === undefined ? {} : { input }) });
  expect(r.code, r.stderr).toBe(0);
  return r;
};
const publicOf = async () => Object.fromEntries((await openVaultOf(t.env)).list().map((s) => [s.name, s.public]));
function envFile(text: string): string {
  const file = join(t.home, '..', 'in.env');
  writeFileSync(file, text);
  return file;
}
const DOTENV = `STRIPE_PUBLISHABLE_KEY=${PUBLISHABLE}\nSTRIPE_SECRET_KEY=${SECRET}\nNEXT_PUBLIC_MAPS_KEY=${NEXT}\n`;

describe('set --public', () => {
  it('marks a value public; list and show say so; --no-public undoes it', async () => {
    cli(['set', 'STRIPE_PK', '--public', '--host', 'api.stripe.com'], PUBLISHABLE);
    cli(['set', 'STRIPE_SK', '--host', 'api.stripe.com'], SECRET);
    expect(await publicOf()).toEqual({ STRIPE_PK: true, STRIPE_SK: false });
    expect((JSON.parse(cli(['show', 'STRIPE_PK', '--json']).stdout) as { secret: { public: boolean } }).secret.public).toBe(true);
    expect(cli(['show', 'STRIPE_PK']).stdout).toMatch(/^public\s+yes/m);
    expect(cli(['list']).stdout).toMatch(/^STRIPE_PK\s.*\syes\s/m);
    const listed = JSON.parse(cli(['list', '--json']).stdout) as { secrets: Array<{ name: string; public: boolean }> };
    expect(listed.secrets.map((s) => [s.name, s.public])).toEqual([['STRIPE_PK', true], ['STRIPE_SK', false]]);
    cli(['set', 'STRIPE_PK', '--keep-value', '--no-public']);
    expect(await publicOf()).toEqual({ STRIPE_PK: false, STRIPE_SK: false });
  });

  it('the redaction index tells the redactor which names are public, and follows a change', async () => {
    cli(['set', 'STRIPE_PK', '--public', '--host', 'api.stripe.com'], PUBLISHABLE);
    cli(['set', 'STRIPE_SK', '--host', 'api.stripe.com'], SECRET);
    const vault = await openVaultOf(t.env);
    const index = new VaultIndex(vault);
    try {
      const redactor = await index.complete();
      expect([redactor.isPublic('STRIPE_PK'), redactor.isPublic('STRIPE_SK')]).toEqual([true, false]);
      // Still redacted: public means "never a tripwire", not "shown".
      expect(redactor.redact(`key=${PUBLISHABLE}`).redacted).toEqual(['STRIPE_PK']);
      cli(['set', 'STRIPE_PK', '--keep-value', '--no-public']);
      await vault.refresh();
      expect((await index.complete()).isPublic('STRIPE_PK')).toBe(false);
    } finally {
      index.close();
    }
  });
});

describe('import proposes public for names that say so', () => {
  it('--public-from-name marks them; other names stay secret', async () => {
    const r = cli(['import', envFile(DOTENV), '--public-from-name', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ public: ['STRIPE_PUBLISHABLE_KEY', 'NEXT_PUBLIC_MAPS_KEY'] });
    expect(await publicOf()).toEqual({ STRIPE_PUBLISHABLE_KEY: true, STRIPE_SECRET_KEY: false, NEXT_PUBLIC_MAPS_KEY: true });
  });

  it('without the flag and without a terminal, marks nothing and says how', async () => {
    const r = cli(['import', envFile(DOTENV)]);
    expect(r.stderr).toContain('STRIPE_PUBLISHABLE_KEY, NEXT_PUBLIC_MAPS_KEY look public by design');
    expect(r.stderr).toContain('--public-from-name');
    expect(await publicOf()).toEqual({ STRIPE_PUBLISHABLE_KEY: false, STRIPE_SECRET_KEY: false, NEXT_PUBLIC_MAPS_KEY: false });
  });

  it('on a terminal, asks once', async () => {
    const yes = runCliOnTty(['import', envFile(DOTENV)], t.env, [['Mark them public', 'y\r']]);
    expect(yes.code, yes.output).toBe(0);
    expect(yes.stepsRun).toBe(1);
    expect(await publicOf()).toEqual({ STRIPE_PUBLISHABLE_KEY: true, STRIPE_SECRET_KEY: false, NEXT_PUBLIC_MAPS_KEY: true });
    for (const v of [PUBLISHABLE, SECRET, NEXT]) expect(yes.output.includes(v), 'a value on the terminal').toBe(false);
  });
});
