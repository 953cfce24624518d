// Issue 18 item 8: nothing raw on the admin's screen. An agent puts bidi controls (U+202E and
// friends), format characters and U+2028/9 into what it sends; a description or a hand-edited
// trail line can hold them too. Every CLI output, human and --json, shows them escaped.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { seedSecret } from '../helpers/inprocess.js';
import { connectStdio, visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = 'bidi-Yh6Rt3Pq9Mz2Wk8Ln4Vc7';
/** Right-to-left override, isolates, marks, Arabic letter mark, separators, a zero width, a tag. */
const BIDI = '\u202e\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f\u061c\u2028\u2029\u200b\u{e0041}';
/** Raw on a screen: any of these. Tab and LF excepted (a table's own layout). */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/u;

let t: TempHome;
let stub: Stub;
const cli = (args: string[]) => runCli(args, { env: t.env });

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  await seedSecret(t.env, 'BIDI_KEY', VALUE, '--host', stub.origin, '--description', `billing${BIDI}key`);
  const session = await connectStdio(t.env);
  try {
    const auth = { Authorization: 'Bearer <secrets.BIDI_KEY>' };
    // A path (sent percent-encoded), a method and a header name carrying the controls.
    const ok = await session.call('http_request', { method: 'GET', url: `${stub.url}/txt${BIDI}exe`, headers: auth });
    expect(ok.isError, visible(ok)).toBeFalsy();
    expect((await session.call('http_request', { method: `GET${BIDI}`, url: `${stub.url}/m`, headers: auth })).isError).toBe(true);
    expect((await session.call('http_request', { method: 'GET', url: `${stub.url}/h`, headers: { ...auth, [`X${BIDI}`]: 'v' } })).isError).toBe(true);
  } finally {
    await session.close();
    expectNoTrace(session.stderr(), [VALUE], 'server stderr');
  }
  // A line no writer of today produces (an older version, a hand edit): the display alone must hold.
  appendFileSync(
    join(t.home, 'audit.jsonl'),
    `${JSON.stringify({ time: new Date().toISOString(), action: 'request.denied', principal: `p${BIDI}`, secrets: ['BIDI_KEY'], method: 'GET', origin: stub.origin, path: `/raw${BIDI}`, outcome: 'denied', reason: `BAD_INPUT: ${BIDI}`, unsigned: true })}\n`,
  );
});

afterAll(async () => {
  await stub?.close();
  t?.cleanup();
});

function expectShownEscaped(args: string[]): string {
  const r = cli(args);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout, args.join(' ')).not.toMatch(RAW);
  expect(r.stderr, args.join(' ')).not.toMatch(RAW);
  expect(r.stdout.toLowerCase(), args.join(' ')).toContain('\\u202e');
  return r.stdout;
}

describe('bidi and format controls on the admin screen', () => {
  it('the trail file itself holds none raw', () => {
    expect(readFileSync(join(t.home, 'audit.jsonl'), 'utf8').split('\n').slice(0, -2).join('\n')).not.toMatch(RAW);
  });

  it('a refusal reason on the trail is its code, never a quote of what the agent sent', () => {
    const denied = (JSON.parse(cli(['audit', '--action', 'request.denied', '--json']).stdout) as { seq?: number; reason?: string }[]).filter((e) => typeof e.seq === 'number');
    expect(denied.length).toBeGreaterThanOrEqual(1);
    for (const e of denied) expect(e.reason).toMatch(/^[A-Z_]+$/);
  });

  it('`audit` (a secret\'s trail) shows them escaped, one row per entry', () => {
    const out = expectShownEscaped(['audit', '--secret', 'BIDI_KEY']);
    const entries = JSON.parse(cli(['audit', '--secret', 'BIDI_KEY', '--json']).stdout) as unknown[];
    expect(out.trimEnd().split('\n')).toHaveLength(entries.length + 1);
  });

  it('`audit --json` and `--jsonl` escape them and parse back to the same data', () => {
    const json = expectShownEscaped(['audit', '--secret', 'BIDI_KEY', '--json']);
    const parsed = JSON.parse(json) as { path?: string; principal: string }[];
    expect(parsed.some((e) => e.path === `/raw${BIDI}` && e.principal === `p${BIDI}`)).toBe(true);
    for (const line of expectShownEscaped(['audit', '--jsonl']).trim().split('\n')) JSON.parse(line);
  });

  it('`list`, `list --json`, `show` and `history` escape a description', () => {
    for (const args of [['list'], ['list', '--json'], ['show', 'BIDI_KEY'], ['show', 'BIDI_KEY', '--json'], ['history', 'BIDI_KEY', '--json']]) {
      const r = cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).not.toMatch(RAW);
    }
    expect(JSON.parse(cli(['list', '--json']).stdout)).toMatchObject({ secrets: [{ description: `billing${BIDI}key` }] });
  });
});
