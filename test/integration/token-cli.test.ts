// `blindfold token create|list|revoke` (issue 21 item 2): the token is printed once, alone on
// stdout, and is found nowhere else (home files, stderr, listings, the audit); the vault finds it by
// its keyed hash with the scope given; revoked or expired, it is found no more; each change is
// audited under cli:<user> and the chain verifies; bad input exits 2 without repeating what was
// given, a taken name exits 5 and an unknown one 4.
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/cli/context.js';
import { filesContaining, runCli, tempHome, type RunResult, type TempHome } from '../helpers/cli.js';
import { openForChange, openVaultOf } from '../helpers/inprocess.js';

const TOKEN_LINE = /^bf_agt_[A-Za-z0-9_-]{43}$/;
const DAY = 86_400_000;

let t: TempHome;
/** Every token created in this file, and everything the CLI printed outside stdout of `create`. */
const tokens: string[] = [];
let elsewhere = '';
const cli = (args: string[]): RunResult => {
  const r = runCli(args, { env: t.env });
  elsewhere += r.stderr;
  return r;
};
/** `token create`, checked to print exactly one line, the token, on stdout. */
function create(...args: string[]): string {
  const r = cli(['token', 'create', ...args]);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(TOKEN_LINE);
  expect(r.stdout).toBe(`${lines[0]}\n`);
  tokens.push(lines[0]!);
  return lines[0]!;
}
async function lookup(token: string, now?: Date) {
  const vault = await openVaultOf(t.env);
  return vault.tokens.lookup(token, now);
}
const auditEntries = () => JSON.parse(cli(['audit', '--json']).stdout) as Array<{ action: string; principal: string; reason?: string }>;

beforeAll(() => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
});
afterAll(() => t.cleanup());

describe('token create', () => {
  it('prints the token once, alone on stdout, with its scope on stderr; the vault finds it with that scope', async () => {
    const before = Date.now();
    const r = cli(['token', 'create', 'ci-bot', '--secrets', 'GITHUB_*', '--secrets', 'GH_?', '--tasks', 'deploy*', '--task', 'ops_?', '--env', 'production', '--rate', '2/s', '--expires', '30d']);
    const after = Date.now();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^bf_agt_[A-Za-z0-9_-]{43}\n$/);
    const token = r.stdout.trim();
    tokens.push(token);
    expect(r.stderr).toContain('shown once');
    expect(r.stderr).toContain('secrets GITHUB_*,GH_?');
    const info = await lookup(token);
    expect(info).toMatchObject({ name: 'ci-bot', secrets: ['GITHUB_*', 'GH_?'], tasks: ['ops_?', 'deploy*'], env: 'production', ratePerMinute: 120, admin: false });
    expect(Date.parse(info!.expiresAt!)).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(Date.parse(info!.expiresAt!)).toBeLessThanOrEqual(after + 30 * DAY);
    expect(info).not.toHaveProperty('hash');
  });

  it('--json prints {token, info}, the token still only there; no --secrets means no secrets', async () => {
    const r = cli(['token', 'create', 'reader', '--admin', '--rate', '600/h', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { token, info } = JSON.parse(r.stdout) as { token: string; info: Record<string, unknown> };
    tokens.push(token);
    expect(token).toMatch(TOKEN_LINE);
    expect(info).toMatchObject({ name: 'reader', secrets: [], tasks: [], admin: true, ratePerMinute: 10 });
    expect(info).not.toHaveProperty('hash');
    expect((await lookup(token))?.name).toBe('reader');
  });

  it('takes any secret name as a token name (issue 21: names follow the secret-name rules)', () => {
    const other = tempHome();
    try {
      expect(runCli(['init'], { env: other.env }).code).toBe(0);
      const r = runCli(['token', 'create', 'Support_Agent_2', '--secrets', 'SUPPORT_*'], { env: other.env });
      expect(r.code, r.stderr).toBe(0);
      const listed = runCli(['token', 'list', '--json'], { env: other.env });
      expect(JSON.parse(listed.stdout)).toMatchObject({ tokens: [{ name: 'Support_Agent_2', secrets: ['SUPPORT_*'] }] });
    } finally {
      other.cleanup();
    }
  });

  it('a taken name is a conflict (exit 5) and changes nothing', async () => {
    const r = cli(['token', 'create', 'ci-bot', '--secrets', '*']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('VERSION_CONFLICT');
    expect((await lookup(tokens[0]!))?.secrets).toEqual(['GITHUB_*', 'GH_?']);
  });
});

describe('bad input exits 2 and repeats nothing it was given', () => {
  const shaped = 'ghp_Zx8Cv5Bn2Mm9Ll6Kk3Jj4Hh';
  const lowerShaped = 'sk_live_a1b2c3d4e5f6a7b8c9';
  const cases: Array<[string, string[], string]> = [
    ['a token-shaped name', ['create', shaped], shaped],
    ['a token-shaped name that fits the name rule', ['create', lowerShaped], lowerShaped],
    ['a token where the name goes', ['create', 'bf_agt_Zx8Cv5Bn2Mm9Ll6Kk3Jj4HhZx8Cv5Bn2Mm9Ll6Kk3Jj4H'], 'Zx8Cv5Bn2Mm9Ll6Kk3Jj4Hh'],
    ['a secret glob with a value in it', ['create', 'bot', '--secrets', `KEY=${shaped}`], shaped],
    ['a token-shaped secret glob', ['create', 'bot', '--secrets', lowerShaped], lowerShaped],
    ['a secret glob with "-"', ['create', 'bot', '--secrets', 'GITHUB-*'], 'GITHUB-*'],
    ['a task glob with odd characters', ['create', 'bot', '--task', `deploy/${shaped}`], shaped],
    ['a token-shaped environment', ['create', 'bot', '--env', lowerShaped], lowerShaped],
    ['an environment with capitals', ['create', 'bot', '--env', shaped], shaped],
    ['a date in the past', ['create', 'bot', '--expires', '2001-02-03'], '2001-02-03'],
    ['a day past the end of its month', ['create', 'bot', '--expires', '2099-02-31'], '2099-02-31'],
    ['an unknown duration unit', ['create', 'bot', '--expires', '3y'], '3y'],
    ['a value as the expiry', ['create', 'bot', '--expires', shaped], shaped],
    ['a rate without a unit', ['create', 'bot', '--rate', '75'], '75'],
    ['a rate with an unknown unit', ['create', 'bot', '--rate', '5/day'], '5/day'],
    ['a rate of zero', ['create', 'bot', '--rate', '0/s'], '0/s'],
    ['an hourly rate that is no whole number per minute', ['create', 'bot', '--rate', '30/h'], '30/h'],
    ['a value as the rate', ['create', 'bot', '--rate', shaped], shaped],
    ['a token given to revoke', ['revoke', 'bf_agt_Zx8Cv5Bn2Mm9Ll6Kk3Jj4HhZx8Cv5Bn2Mm9Ll6Kk3Jj4H'], 'Zx8Cv5Bn2Mm9Ll6Kk3Jj4Hh'],
  ];
  for (const [label, args, given] of cases) {
    it(label, () => {
      const r = cli(['token', ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^blindfold: error: .*\[(BAD_INPUT|BAD_ENVIRONMENT)\]\n/);
      expect(r.stderr).not.toContain(given);
    });
  }

  it('and none of them created a token', async () => {
    const vault = await openVaultOf(t.env);
    expect(vault.tokens.list().map((i) => i.name)).toEqual(['ci-bot', 'reader']);
  });
});

describe('token revoke', () => {
  it('stops the token from the next lookup on, audited; revoking it again is not found (exit 4)', async () => {
    const token = create('short-lived', '--secrets', 'STRIPE_*');
    expect((await lookup(token))?.name).toBe('short-lived');
    const r = cli(['token', 'revoke', 'short-lived']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('revoked short-lived');
    expect(await lookup(token)).toBeUndefined();
    const again = cli(['token', 'revoke', 'short-lived', '--json']);
    expect(again.code, again.stderr).toBe(4);
    expect(again.stderr).toContain('no token named short-lived [TOKEN_NOT_FOUND]');
  });

  it('names an unknown token only when it may be repeated', () => {
    const shaped = 'a1b2c3d4e5f6a7b8c9d0';
    const r = cli(['token', 'revoke', shaped]);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toContain('TOKEN_NOT_FOUND');
    expect(r.stderr).not.toContain(shaped);
  });
});

describe('expiry', () => {
  it('an ISO date a moment ahead: found before it, refused after it, and `token list` says expired', async () => {
    const at = new Date(Date.now() + 3_000);
    const token = create('brief', '--expires', at.toISOString(), '--secrets', 'GITHUB_*');
    expect((await lookup(token, new Date(at.getTime() - 1)))?.name).toBe('brief');
    expect(await lookup(token, at)).toBeUndefined();
    // And on the real clock, once the date has passed (bounded: it was three seconds ahead).
    await sleep(Math.max(0, at.getTime() - Date.now()) + 50);
    expect(await lookup(token)).toBeUndefined();
    const listed = JSON.parse(cli(['token', 'list', '--json']).stdout) as { tokens: Array<{ name: string; expired: boolean; expiresAt?: string }> };
    expect(listed.tokens.find((x) => x.name === 'brief')).toMatchObject({ expired: true, expiresAt: at.toISOString() });
    expect(listed.tokens.find((x) => x.name === 'ci-bot')?.expired).toBe(false);
    expect(cli(['token', 'list']).stdout).toMatch(/^brief .*\(expired\)/m);
  });
});

describe('token list', () => {
  it('shows names, scopes and the last use on record, never a token or its hash', async () => {
    // A use by the team server is an audit entry under token:NAME; one is written here in-process.
    const opened = await openForChange(t.env);
    await opened.audit.append({ action: 'secret.resolve', principal: 'token:ci-bot', secrets: ['GITHUB_TOKEN'], outcome: 'ok' });
    const usedAt = opened.audit.query({ principal: 'token:ci-bot' }).at(-1)!.time;
    opened.close();
    const r = cli(['token', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { tokens: listed } = JSON.parse(r.stdout) as { tokens: Array<Record<string, unknown>> };
    expect(listed.map((x) => x.name)).toEqual(['brief', 'ci-bot', 'reader']);
    expect(listed[1]).toMatchObject({ secrets: ['GITHUB_*', 'GH_?'], tasks: ['ops_?', 'deploy*'], env: 'production', admin: false, ratePerMinute: 120, lastUsedAt: usedAt });
    expect(listed[2]).toMatchObject({ lastUsedAt: null, admin: true });
    for (const x of listed) expect(x).not.toHaveProperty('hash');
    const table = cli(['token', 'list']);
    expect(table.stdout).toMatch(/^NAME +SECRETS +TASKS +ENV +ADMIN +RATE +CREATED +EXPIRES +LAST USED$/m);
    expect(table.stdout).toMatch(new RegExp(`^ci-bot +GITHUB_\\*,GH_\\? +ops_\\?,deploy\\* +production +no +120/min .* ${usedAt.replace(/\./g, '\\.')}$`, 'm'));
    elsewhere += r.stdout + table.stdout;
  });
});

describe('the audit trail', () => {
  it('holds each create and revoke under cli:<user>, and verifies', () => {
    const mine = auditEntries().filter((e) => e.action.startsWith('token.'));
    expect(mine.map((e) => `${e.action} ${e.reason}`)).toEqual([
      'token.create token ci-bot created',
      'token.create token reader created',
      'token.create token short-lived created',
      'token.revoke token short-lived revoked',
      'token.create token brief created',
    ]);
    for (const e of mine) expect(e.principal).toBe(cliPrincipal());
    const verify = cli(['audit', 'verify', '--json']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
  });
});

describe('the token itself', () => {
  it('is in no file of the home, no stderr, no listing and no audit entry (only its keyed hash is kept)', () => {
    expect(tokens).toHaveLength(4);
    const needles = tokens.flatMap((token) => [token, token.slice('bf_agt_'.length)]);
    expect(filesContaining(dirname(t.home), needles)).toEqual([]);
    elsewhere += cli(['audit', '--json']).stdout + cli(['token', 'list']).stdout + cli(['token', 'list', '--json']).stdout;
    for (const needle of needles) expect(elsewhere).not.toContain(needle);
  });
});
