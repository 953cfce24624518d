// Red team of "no value in any CLI message, whatever its shape" (issue 20 item 1, SPEC §1.1):
// shapes and doors the no-echo properties did not reach, each found leaking by a spawned sweep of
// every command. A vendor prefix after a separator (`API_KEY:sk_live_…`, `prod.sk_live_…`), a PEM
// body, a token-shaped folder in a path the CLI prints back (`--tasks`, `init` at a new `--home`,
// BLINDFOLD_MASTER_KEY_FILE), a key pasted into `--description` or `--meta` (stored in the clear
// and shown to agents by list_secrets), and a task input on its way into the audit trail's path.
// And the other side: plausible names and descriptions are still repeated and accepted.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, runCli, tempHome, type RunResult, type TempHome } from '../helpers/cli.js';

const BODY = 'Qz8Wk3Rt6Yp1Lm4Nx7Vb2Hc5Jd9Fg0As';
/** Tails without digits: only the vendor prefix says they are keys. */
const PLAIN_TAIL = 'abcdefghijklmnopqrstuv';
const PEM = '-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC';

let t: TempHome;
beforeAll(() => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
  expect(runCli(['set', 'API_KEY', '--host', 'http://127.0.0.1:9'], { env: t.env, input: 'sk_test_51Hx9QeVb3kPzT7wY2mRf8LnD4cJ6sA0uE' }).code).toBe(0);
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(
    join(t.home, 'tasks', 'ping.yaml'),
    'name: ping\ndescription: d\ninputs:\n  type: object\n  properties:\n    q: { type: string }\nsteps:\n  - kind: http\n    method: GET\n    url: http://127.0.0.1:9/<inputs.q>\n    headers:\n      Authorization: "Bearer <secrets.API_KEY>"\n',
  );
});
afterAll(() => t.cleanup());

function expectHidden(r: RunResult, needle: string, label: string): void {
  expect(r.stdout + r.stderr, label).not.toContain(needle);
}

describe('a vendor prefix after a separator is a token too', () => {
  const shapes = [`API_KEY:sk_live_${PLAIN_TAIL}`, `prod.sk_live_${PLAIN_TAIL}`, `deploy-ghp_${PLAIN_TAIL}`, `ci.xoxb-${PLAIN_TAIL}`];
  it.each(shapes)('shape %# (a vendor prefix after a separator) is refused or hidden by clear, token create/revoke, completion and exec', (x) => {
    for (const args of [['clear', x], ['token', 'create', x], ['token', 'revoke', x], ['completion', x], ['exec', '-s', 'API_KEY', '--', x], ['show', x]]) {
      const r = runCli(args, { env: t.env });
      expect(r.code, args.join(' ')).not.toBe(0);
      expectHidden(r, PLAIN_TAIL, args.join(' '));
    }
    expect(readFileSync(join(t.home, 'audit.jsonl'), 'utf8')).not.toContain(PLAIN_TAIL);
  });
});

describe('paths the CLI prints back', () => {
  const folders = [`sk_live_${BODY}`, PEM, `GITHUB_TOKEN=ghp_${BODY}`, `Bearer sk_live_${BODY}`];
  it.each(folders)('folder shape %# is never repeated', (folder) => {
    const needle = folder === PEM ? 'MIIEvQIBADANBgkq' : BODY;
    const root = dirname(t.home);
    const lines: [string[], NodeJS.ProcessEnv][] = [
      [['--tasks', join(root, folder), 'tasks', 'list'], {}],
      [['--home', join(root, 'h', folder), 'init'], {}],
      [['--home', join(root, 'h2', folder), 'list'], {}],
      [['--home', join(root, 'h3', folder), 'doctor'], {}],
      [['list'], { BLINDFOLD_MASTER_KEY_FILE: join(root, 'k', folder) }],
      [['rotate-key', '--new-key-file', join(root, 'nk', folder, 'new.key')], {}],
    ];
    for (const [args, extra] of lines) {
      const r = runCli(args, { env: { ...t.env, ...extra } });
      expectHidden(r, needle, `${args.join(' ')} ${JSON.stringify(extra)}`);
    }
  });

  it('still shows a plain path', () => {
    const r = runCli(['--tasks', join(dirname(t.home), 'no-tasks-here'), 'tasks', 'list'], { env: t.env });
    expect(r.stdout).toContain('no-tasks-here');
  });
});

describe('a key pasted into --description or --meta', () => {
  const pasted = [`sk_live_${BODY}`, `Bearer sk_live_${BODY}`, `GITHUB_TOKEN=ghp_${BODY}`, `postgres://admin:${BODY}@db.example.com/app`, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.' + BODY];
  it.each(pasted)('pasted shape %# is refused, not stored, not repeated', (x) => {
    for (const args of [
      ['set', 'API_KEY', '--keep-value', '--description', x],
      ['set', 'API_KEY', '--keep-value', `--description=${x}`],
      ['set', 'API_KEY', '--keep-value', '--meta', `note=${x}`],
      ['set', 'OTHER_KEY', '--description', `key for billing: ${x}`],
    ]) {
      const r = runCli(args, { env: t.env, input: 'sk_test_77Hx9QeVb3kPzT7wY2mRf8LnD4cJ6sA0uE' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/looks like a value/);
      expectHidden(r, BODY, args.join(' '));
    }
    for (const file of filesUnder(t.home)) expect(readFileSync(file).includes(BODY), file).toBe(false);
  });

  it('a plain description and metadata are kept and shown', () => {
    const r = runCli(['set', 'API_KEY', '--keep-value', '--description', 'Stripe live key for billing, rotated 2026-01-31', '--meta', 'owner=alice', '--meta', 'ticket=OPS-1234'], { env: t.env });
    expect(r.code, r.stderr).toBe(0);
    const show = runCli(['show', 'API_KEY'], { env: t.env });
    expect(show.stdout).toContain('Stripe live key for billing, rotated 2026-01-31');
    expect(show.stdout).toContain('OPS-1234');
  });
});

describe('a task input on its way into the audit trail', () => {
  it('run --input with a token keeps it out of the recorded path', () => {
    const r = runCli(['run', 'ping', '--input', `q=sk_live_${BODY}`], { env: t.env });
    expectHidden(r, BODY, 'run');
    const trail = readFileSync(join(t.home, 'audit.jsonl'), 'utf8');
    expect(trail).toContain('"task":"ping"');
    expect(trail).not.toContain(BODY);
    const audit = runCli(['audit', '--json'], { env: t.env });
    expect(audit.stdout).not.toContain(BODY);
  });

  it('a plain path is still recorded', () => {
    runCli(['run', 'ping', '--input', 'q=repos'], { env: t.env });
    expect(readFileSync(join(t.home, 'audit.jsonl'), 'utf8')).toContain('"path":"/repos"');
  });
});

describe('plausible names are still repeated', () => {
  it.each([
    [['clear', 'stdio:claude-desktop'], 'stdio:claude-desktop'],
    [['token', 'revoke', 'ci-bot'], 'ci-bot'],
    [['show', 'GITHUB_TOKEN'], 'GITHUB_TOKEN'],
    [['exec', '-s', 'API_KEY', '--', 'no-such-command-here'], 'no-such-command-here'],
  ])('%j repeats %s', (args, name) => {
    const r = runCli(args, { env: t.env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(name);
  });
});
