// An agent chooses the request path, and the path lands in the audit trail an admin reads in a
// terminal. Escape sequences (ESC [, the one-byte C1 CSI 0x9B, DEL), CR/LF and a forged-looking row
// put in that path must reach neither the trail file (stored as sent on the wire, percent-encoded)
// nor the admin's screen (`audit`, `audit --json`, `audit --jsonl` print no raw control character).
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectInProcess, seedSecret } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';

const VALUE = 'display-Value-Qw8Er7Ty6Ui5Op4As3';
/** A path that, printed raw, clears the screen, returns the carriage and writes a fake row. */
const FORGED = '2026-01-01T00:00:00.000Z  1  secret.create  cli:admin  ROOT_KEY  -  ok';
// %c2%9b is U+009B (CSI) in UTF-8: decoded, it is one character a terminal reads as ESC [.
const EVIL_PATH = `/a%1b%5b2J%0d%0a${encodeURIComponent(FORGED)}%c2%9b31m%7f%1b]0;pwned%07/b%0a%0d`;
// A lone %9b is not UTF-8; it must be kept as sent too.
const RAW_C1_PATH = '/c%9b2J%0a';
/** C0 except tab and LF (which a table's own line breaks use), DEL and C1. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

let t: TempHome;
let stub: Stub;

function cli(args: string[], input?: string) {
  return runCli(args, { env: t.env, ...(input !== undefined ? { input } : {}) });
}

beforeAll(async () => {
  stub = await startStub();
  t = tempHome();
  await seedSecret(t.env, 'API_KEY', VALUE, '--host', stub.origin);
  // The server only writes the entries here; what is under test is how `audit` shows them.
  const session = await connectInProcess(t.env);
  try {
    const ok = await session.call('http_request', { method: 'GET', url: `${stub.url}${EVIL_PATH}`, headers: { Authorization: 'Bearer <secrets.API_KEY>' } });
    expect(ok.isError, visible(ok)).toBeFalsy();
    const c1 = await session.call('http_request', { method: 'GET', url: `${stub.url}${RAW_C1_PATH}`, headers: { Authorization: 'Bearer <secrets.API_KEY>' } });
    expect(c1.isError, visible(c1)).toBeFalsy();
    // A denied call too: its entry carries a reason as well as the path.
    const denied = await session.call('http_request', { method: 'GET', url: `https://not-bound.example${EVIL_PATH}`, headers: { Authorization: 'Bearer <secrets.API_KEY>' } });
    expect(denied.isError).toBe(true);
  } finally {
    await session.close();
  }
});

afterAll(async () => {
  await stub?.close();
  t?.cleanup();
});

describe('audit display of agent-chosen text', () => {
  it('the trail stores the path as sent on the wire, percent-encoded, never decoded', () => {
    const text = readFileSync(join(t.home, 'audit.jsonl'), 'utf8');
    expect(text).not.toMatch(CONTROL);
    // JSON escapes of control characters would be decoded back by any reader: none either.
    expect(text).not.toMatch(/\\u00(?:[01][0-9a-f]|7f|[89][0-9a-f])/i);
    expect(text).not.toMatch(/\\[rn]/);
    const entries = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const withPath = entries.filter((e) => typeof e.path === 'string' && e.path !== RAW_C1_PATH);
    expect(withPath.map((e) => e.action).sort()).toEqual(['request.denied', 'request.sent', 'secret.resolve']);
    for (const e of withPath) {
      expect(e.path).toBe(new URL(`${stub.url}${EVIL_PATH}`).pathname);
      expect(e.path as string).toContain('%1b%5b2J%0d%0a');
    }
    expect(entries.filter((e) => e.path === RAW_C1_PATH)).toHaveLength(2); // secret.resolve + request.sent
    // The stub saw the same bytes on the wire.
    expect(stub.requests.some((r) => r.url.includes('%1b%5b2J%0d%0a'))).toBe(true);
  });

  it('`audit` prints no raw control character and no extra row', () => {
    const r = cli(['audit']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(CONTROL);
    const entries = (JSON.parse(cli(['audit', '--json']).stdout) as unknown[]).length;
    // Header plus one row per entry, nothing more.
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(entries + 1);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('2026-01-01T00:00:00.000Z'))).toEqual([]);
  });

  it('`audit --json` and `--jsonl` print no raw control character (C1 and DEL included)', () => {
    for (const flag of ['--json', '--jsonl']) {
      const r = cli(['audit', flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, flag).not.toMatch(CONTROL);
    }
  });

  it('entries whose free text carries control characters (a hand-edited line) are printed escaped', () => {
    // Not a chain entry (`audit verify` rejects it), but `audit` shows what it can read, so the
    // printing itself must be safe whatever the file holds: path, reason, principal, task, seq.
    const evil = '\x1b[2J\r\n\u009b31m\x7f\x00\x07\x85';
    appendFileSync(
      join(t.home, 'audit.jsonl'),
      `${JSON.stringify({ time: new Date().toISOString(), seq: `9${evil}`, action: 'request.denied', principal: `p${evil}`, task: `t${evil}`, secrets: [`S${evil}`], method: `GET${evil}`, origin: `https://x${evil}`, path: `/p${evil}`, outcome: `denied${evil}`, reason: `r${evil}` })}\n`,
    );
    const table = cli(['audit']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).not.toMatch(CONTROL);
    expect(table.stdout).toContain('\\x1b[2J\\x0d\\x0a\\x9b31m\\x7f\\x00\\x07\\x85');
    const entries = JSON.parse(cli(['audit', '--json']).stdout) as Array<Record<string, unknown>>;
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(entries.length + 1);
    // The JSON says the same text (escapes decode back to it) without a raw control byte.
    expect(entries.at(-1)!.reason).toBe(`r${evil}`);
    for (const flag of ['--json', '--jsonl']) {
      const r = cli(['audit', flag]);
      expect(r.stdout, flag).not.toMatch(CONTROL);
      expect(r.stdout, flag).toContain('\\u009b31m\\u007f');
    }
    const verify = cli(['audit', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout + verify.stderr).not.toMatch(CONTROL);
  });
});
