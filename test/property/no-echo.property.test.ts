// No value in any CLI message (issue 20 item 1): one function (src/echo.ts) decides whether typed
// text may be repeated. Token-shaped text never may, plausible names always may (GITHUB_TOKEN *is*
// repeated); and the built CLI, handed token-shaped arguments where names belong, repeats none of
// them on stdout, on stderr or in the audit trail.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayRepeat, repeatable, repeatablePath } from '../../src/echo.js';
import { CLI, tempHome, type TempHome } from '../helpers/cli.js';
import { tokenCase } from './no-echo-tokens.js';

const BASE62 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('');
const HEX = '0123456789abcdef'.split('');
const chars = (alphabet: string[], min: number, max: number) => fc.array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max }).map((a) => a.join(''));
/** Tokens as providers issue them: a vendor prefix and a random body, long hex, AWS key ids, random base62. */
const tokenShaped = fc.oneof(
  fc.tuple(fc.constantFrom('ghp_', 'gho_', 'github_pat_', 'sk_live_', 'sk-proj-', 'rk_test_', 'xoxb-', 'glpat-', 'npm_', 'hf_'), chars(BASE62, 20, 40)).map(([p, b]) => p + b),
  chars(HEX, 24, 64).filter((h) => /[a-f]/.test(h) && /[0-9]/.test(h)),
  chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split(''), 16, 16).map((b) => `AKIA${b}`),
  chars(BASE62, 24, 48).filter((b) => (b.match(/[0-9]/g) ?? []).length >= 3 && (b.match(/[A-Za-z]/g) ?? []).length >= 3),
);
const WORDS = ['GITHUB', 'TOKEN', 'API', 'KEY', 'SECRET', 'STRIPE', 'OPENAI', 'DATABASE', 'URL', 'PROD', 'STAGING', 'SLACK', 'WEBHOOK', 'AWS', 'ACCESS', 'V2', '2024'];
const plausibleName = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('_')).filter((n) => /^[A-Z]/.test(n));

describe('the deciding function', () => {
  it('never lets token-shaped text be repeated, and a path keeps none of it', () => {
    fc.assert(
      fc.property(tokenShaped, (token) => {
        expect(mayRepeat(token), token).toBe(false);
        expect(repeatable(token)).not.toContain(token);
        expect(repeatablePath(`/home/alice/${token}/vault.json`)).not.toContain(token);
      }),
      { numRuns: 500 },
    );
  });

  it('hides every shape of no-echo-tokens.ts, and a path keeps no 16-character stretch of one (base64 has "/")', () => {
    fc.assert(
      fc.property(tokenCase, (c) => {
        if (c.mustNotAppear[0] === c.text) expect(mayRepeat(c.text), c.text).toBe(false);
        const shown = repeatablePath(`/home/Alice/Projects/${c.text}/vault.json`);
        expect(shown.startsWith('/home/Alice/Projects/')).toBe(true);
        for (const secret of c.mustNotAppear) for (let i = 0; i + 16 <= secret.length; i++) expect(shown, c.text).not.toContain(secret.slice(i, i + 16));
      }),
      { numRuns: 1000 },
    );
  });

  it('repeats plausible names, so a typo is still easy to see', () => {
    fc.assert(
      fc.property(plausibleName, (name) => {
        expect(repeatable(name)).toBe(name);
      }),
      { numRuns: 300 },
    );
    for (const name of ['GITHUB_TOKEN', 'OPENAI_API_KEY', 'github-create-issue', 'stdio:claude-desktop', 'OAuthClientSecret']) expect(mayRepeat(name)).toBe(true);
  });
});

describe('the built CLI', () => {
  let t: TempHome;
  beforeAll(() => {
    t = tempHome();
    expect(spawnSync(process.execPath, [CLI, 'init'], { env: t.env }).status).toBe(0);
  });
  afterAll(() => t.cleanup());

  /** Every place a name goes, with the token where the name belongs. */
  const commands = (token: string): string[][] => [
    ['show', token],
    ['rm', token],
    ['history', token],
    ['rollback', token, '--to', '1'],
    ['run', token],
    ['clear', token],
    ['exec', '-s', token, '--', 'true'],
    ['set', 'API_KEY', '--from-env', token],
    ['set', 'API_KEY', `--${token}`],
    ['--home', join(t.home, '..', token), 'list'],
  ];

  it('repeats no token-shaped argument on stdout, stderr or the audit trail (20 spawned cases)', () => {
    const tokens = fc.sample(tokenShaped, { numRuns: 2, seed: 20_261_206 });
    let cases = 0;
    for (const token of tokens) {
      for (const args of commands(token)) {
        const r = spawnSync(process.execPath, [CLI, ...args], { env: t.env, input: '', encoding: 'utf8', timeout: 30_000 });
        expect(r.status, args.join(' ')).not.toBe(0);
        expect(`${r.stdout}${r.stderr}`, args.join(' ')).not.toContain(token);
        cases++;
      }
    }
    expect(cases).toBe(20);
    const audit = join(t.home, 'audit.jsonl');
    if (existsSync(audit)) for (const token of tokens) expect(readFileSync(audit, 'utf8')).not.toContain(token);
  });

  it('does repeat a plausible name', () => {
    const r = spawnSync(process.execPath, [CLI, 'show', 'GITHUB_TOKEN'], { env: t.env, encoding: 'utf8' });
    expect(r.stderr).toContain('no secret named GITHUB_TOKEN');
  });
});
