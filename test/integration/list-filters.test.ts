// `blindfold list --env E`, `--host H`, `--unused DURATION` (issue 20 item 4): filters on the built
// CLI, combined (AND), in text and --json, and bad arguments as usage errors that repeat nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';

const VALUES = ['sk_live_Lf7Qx2Rm9Tz4Wp8Kb3Nc6Hv1', 'ghp_Gt5Ys8Ld2Vq7Mx1Zr4Pk9Wc3Jh6Bn0', 'sk_live_Dm3Hw9Qa6Tr1Zx7Lp4Kv2Ns8', 'sk_live_Rb8Nc2Wq5Lx9Tm3Zk7Pv1Hd4'];
let t: TempHome;

function cli(args: string[]) {
  return runCli(args, { env: t.env });
}

/** The names `list --json` prints for these arguments. */
function names(...args: string[]): string[] {
  const r = cli(['list', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { secrets: Array<{ name: string }> }).secrets.map((s) => s.name);
}

beforeAll(async () => {
  t = tempHome();
  expect(cli(['init']).code).toBe(0);
  await seedSecret(t.env, 'STRIPE_KEY', VALUES[0]!, '--host', 'api.stripe.com', '--env', 'development');
  await seedSecret(t.env, 'GITHUB_TOKEN', VALUES[1]!, '--host', 'api.github.com', '--host', '*.githubassets.com', '--env', 'production');
  await seedSecret(t.env, 'SHARED', VALUES[2]!, '--host', 'http://127.0.0.1:8080', '--env', 'default');
  await seedSecret(t.env, 'UNBOUND', VALUES[3]!, '--env', 'staging');
  // STRIPE_KEY is used now: a `secret.resolve` entry on the trail.
  const used = runCli(['exec', '-s', 'STRIPE_KEY', '--', process.execPath, '-e', ''], { env: t.env });
  expect(used.code, used.stderr).toBe(0);
});

afterAll(() => t?.cleanup());

describe('list filters', () => {
  it('with no filter, lists every secret', () => {
    expect(names()).toEqual(['GITHUB_TOKEN', 'SHARED', 'STRIPE_KEY', 'UNBOUND']);
  });

  it('--env keeps the secrets with a value for that environment or a default one', () => {
    expect(names('--env', 'production')).toEqual(['GITHUB_TOKEN', 'SHARED']);
    expect(names('--env', 'staging')).toEqual(['SHARED', 'UNBOUND']);
    expect(names('--env', 'qa')).toEqual(['SHARED']);
  });

  it('--host matches the way a request is checked: bare names are https, wildcards one label, ports count', () => {
    expect(names('--host', 'api.github.com')).toEqual(['GITHUB_TOKEN']);
    expect(names('--host', 'https://github.githubassets.com/assets/app.js')).toEqual(['GITHUB_TOKEN']);
    expect(names('--host', 'a.b.githubassets.com')).toEqual([]);
    expect(names('--host', '*.githubassets.com')).toEqual(['GITHUB_TOKEN']);
    expect(names('--host', 'http://127.0.0.1:8080')).toEqual(['SHARED']);
    expect(names('--host', '127.0.0.1:8080')).toEqual([]); // https: not where SHARED may go
    expect(names('--host', 'api.stripe.com:8443')).toEqual([]);
  });

  it('--unused keeps the secrets never used or last used before the cut-off', () => {
    expect(names('--unused', '30d')).toEqual(['GITHUB_TOKEN', 'SHARED', 'UNBOUND']);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    expect(names('--unused', tomorrow)).toEqual(['GITHUB_TOKEN', 'SHARED', 'STRIPE_KEY', 'UNBOUND']);
    const json = JSON.parse(cli(['list', '--json', '--unused', tomorrow]).stdout) as { secrets: Array<{ name: string; lastUsedAt: string | null; useCount: number }> };
    expect(json.secrets.find((s) => s.name === 'STRIPE_KEY')).toMatchObject({ useCount: 1, lastUsedAt: expect.any(String) });
    expect(json.secrets.find((s) => s.name === 'UNBOUND')).toMatchObject({ useCount: 0, lastUsedAt: null });
  });

  it('filters combine, in text as in JSON', () => {
    expect(names('--env', 'development', '--unused', '12h')).toEqual(['SHARED']);
    expect(names('--env', 'production', '--host', 'api.github.com', '--unused', '90m')).toEqual(['GITHUB_TOKEN']);
    expect(names('--env', 'development', '--host', 'api.github.com')).toEqual([]);
    const text = cli(['list', '--env', 'development', '--unused', '12h']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/LAST USED/);
    expect(text.stdout).toMatch(/^SHARED .* never$/m);
    expect(text.stdout).not.toMatch(/STRIPE_KEY|GITHUB_TOKEN|UNBOUND/);
    expect(cli(['ls', '--host', 'example.org']).stdout).toBe('no secrets match these filters\n');
  });

  it('a bad duration, environment or host is a usage error (exit 2) that does not repeat it', () => {
    for (const args of [
      ['--unused', '30'],
      ['--unused', 'soon'],
      ['--unused', VALUES[0]!],
      ['--env', VALUES[1]!],
      ['--host', `${VALUES[0]!}/x`],
    ]) {
      const r = cli(['list', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^blindfold: error: /);
      for (const v of VALUES) expect(r.stderr).not.toContain(v);
    }
    expect(cli(['list', '--unused', 'soon']).stderr).toMatch(/--unused expects a duration like 90m, 12h, 30d/);
  });
});
