// The audit trail end to end: the built CLI and server write it, `audit` reads it, `audit verify`
// catches tampering, and an unwritable trail refuses calls before anything is sent.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesContaining, runCli, runCliAsync, tempHome, type TempHome } from '../helpers/cli.js';
import { openVaultOf } from '../helpers/inprocess.js';
import { connectStdio, visible } from '../helpers/mcp.js';
import { startStub, type Stub } from '../helpers/stub.js';
import { expectNoTrace } from '../helpers/traces.js';

const VALUE = 'audit-Value-x9Y8z7W6v5U4t3S2"+/=';
const VALUE_2 = 'audit-Second-Value-Kq3Lw5Mz7Nx9';
const DOOMED = 'doomed-Value-Pq1Rs2Tu3Vw4';
const VALUES = [VALUE, VALUE_2, DOOMED];

let t: TempHome;
let stub: Stub;
let other: Stub;
let serverStderr = '';
const outputs: string[] = [];

function cli(args: string[], input?: string) {
  const r = runCli(args, { env: t.env, ...(input !== undefined ? { input } : {}) });
  outputs.push(r.stdout, r.stderr);
  return r;
}

let entries: Array<Record<string, unknown>> | undefined;
/** `blindfold audit --json`, run once: the trail does not change while the tests below read it. */
function auditEntries(): Array<Record<string, unknown>> {
  if (entries) return entries;
  const r = runCli(['audit', '--json'], { env: t.env });
  outputs.push(r.stdout, r.stderr);
  expect(r.code, r.stderr).toBe(0);
  // One JSON document, like every other --json.
  entries = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  return entries;
}

/** Every spelling of every value used here (test/helpers/traces.ts). */
function noValue(text: string): void {
  expectNoTrace(text, VALUES);
}

beforeAll(async () => {
  stub = await startStub();
  other = await startStub();
  t = tempHome();
  expect(cli(['init']).code).toBe(0);
  expect(cli(['set', 'API_KEY', '--host', stub.origin], 'first-version-value-123').code).toBe(0); // secret.create
  expect(cli(['set', 'API_KEY', '--host', stub.origin], VALUE).code).toBe(0); // secret.update
  expect(cli(['set', 'API_KEY_2', '--host', stub.origin], VALUE_2).code).toBe(0);
  expect(cli(['set', 'API_KEY_2', '--host', stub.origin], 'api-key-2-second-version').code).toBe(0);
  expect(cli(['set', 'DOOMED', '--host', stub.origin], DOOMED).code).toBe(0);
  expect(cli(['rollback', 'API_KEY_2', '--to', '1']).code).toBe(0); // secret.rollback
  expect(cli(['rm', 'DOOMED']).code).toBe(0); // secret.delete (never used, no task)
  expect(cli(['rotate-key']).code).toBe(0); // key.rotate
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(
    join(t.home, 'tasks', 'ping.yaml'),
    `name: ping\ndescription: ping the stub\nsteps:\n  - kind: http\n    method: GET\n    url: ${stub.origin}/echo\n    secret_name: API_KEY\n`,
  );

  const session = await connectStdio(t.env, ['--principal', 'audit-test']);
  const call = (args: Record<string, unknown>) => session.call('http_request', args);
  for (let i = 0; i < 3; i++) {
    const r = await call({ method: 'GET', url: `${stub.url}/echo?secret=no`, headers: { Authorization: 'Bearer <secrets.API_KEY>' } });
    expect(r.isError, visible(r)).toBeFalsy();
  }
  const denied = await call({ method: 'GET', url: `${other.url}/echo`, headers: { Authorization: 'Bearer <secrets.API_KEY>' } });
  expect(denied.isError).toBe(true);
  const ping = await session.call('ping', {});
  expect(ping.isError, visible(ping)).toBeFalsy();
  const listed = await session.call('list_secrets', {});
  const secrets = (listed.structuredContent as { secrets: Array<{ name: string; useCount: number; lastUsedAt: string | null }> }).secrets;
  // 3 http_request calls + 1 task step used API_KEY; API_KEY_2 was never used.
  expect(secrets.find((s) => s.name === 'API_KEY')).toMatchObject({ useCount: 4 });
  expect(secrets.find((s) => s.name === 'API_KEY')!.lastUsedAt).toBeTruthy();
  expect(secrets.find((s) => s.name === 'API_KEY_2')).toMatchObject({ useCount: 0, lastUsedAt: null });
  outputs.push(visible(listed));
  await session.close();
  serverStderr = session.stderr();

  // vault.sealed: a command run with a wrong key
  const wrong = runCli(['list'], { env: { ...t.env, BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') } });
  expect(wrong.code).toBe(3);
});

afterAll(async () => {
  await stub?.close();
  await other?.close();
  // Nothing the run produced holds a value: files under home, CLI output, server stderr.
  expect(filesContaining(t.home, VALUES)).toEqual([]);
  noValue(outputs.join('\n'));
  noValue(serverStderr);
  t.cleanup();
});

describe('audit entries', () => {
  it('every action leaves its entry, with principal, names and no values', () => {
    const entries = auditEntries();
    const actions = new Set(entries.map((e) => e.action));
    for (const a of ['secret.create', 'secret.update', 'secret.delete', 'secret.rollback', 'key.rotate', 'secret.resolve', 'request.sent', 'request.denied', 'task.run', 'vault.sealed']) {
      expect(actions, `missing ${a}`).toContain(a);
    }
    const sent = entries.filter((e) => e.action === 'request.sent');
    expect(sent[0]).toMatchObject({ principal: 'stdio:audit-test', secrets: ['API_KEY'], env: 'development', method: 'GET', origin: stub.origin, path: '/echo', status: 200, outcome: 'ok' });
    expect(typeof sent[0]!.durationMs).toBe('number');
    // the query string is never recorded
    expect(JSON.stringify(entries)).not.toContain('secret=no');
    expect(entries.find((e) => e.action === 'task.run')).toMatchObject({ task: 'ping', secrets: ['API_KEY'], outcome: 'ok' });
    expect(entries.find((e) => e.action === 'vault.sealed')).toMatchObject({ unsigned: true, outcome: 'denied' });
    expect(entries.find((e) => e.action === 'secret.delete')).toMatchObject({ secrets: ['DOOMED'] });
  });

  it('a denied attempt is recorded with its reason', () => {
    const denied = auditEntries().find((e) => e.action === 'request.denied')!;
    expect(denied).toMatchObject({ secrets: ['API_KEY'], origin: other.origin, outcome: 'denied' });
    expect(String(denied.reason)).toMatch(/^HOST_NOT_ALLOWED/);
  });

  it('the resolve entry is written before the request entry', () => {
    const entries = auditEntries().filter((e) => e.action === 'secret.resolve' || e.action === 'request.sent');
    expect(entries[0]!.action).toBe('secret.resolve');
    expect(entries[1]!.action).toBe('request.sent');
  });

  it('filters by secret, action, principal and time', () => {
    const byAction = JSON.parse(runCli(['audit', '--action', 'request.denied', '--json'], { env: t.env }).stdout) as unknown[];
    expect(byAction).toHaveLength(1);
    const bySecret = JSON.parse(runCli(['audit', '--secret', 'API_KEY_2', '--json'], { env: t.env }).stdout) as Array<{ secrets: string[] }>;
    expect(bySecret.length).toBeGreaterThan(0);
    expect(bySecret.every((e) => e.secrets.includes('API_KEY_2'))).toBe(true);
    expect((JSON.parse(runCli(['audit', '--since', '1h', '--principal', 'stdio:audit-test', '--json'], { env: t.env }).stdout) as unknown[]).length).toBeGreaterThanOrEqual(8);
    expect(JSON.parse(runCli(['audit', '--action', 'exec.run', '--json'], { env: t.env }).stdout)).toEqual([]);
    expect(runCli(['audit', '--since', '2000-01-01T00:00:00Z'], { env: t.env }).stdout).toContain('request.sent');
    expect(runCli(['audit', '--action', 'nonsense'], { env: t.env }).code).toBe(2);
  });

  it('--json prints one pretty JSON array, --jsonl one entry per line', () => {
    const json = runCli(['audit', '--json'], { env: t.env });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout.startsWith('[\n  {')).toBe(true);
    const all = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    const jsonl = runCli(['audit', '--jsonl'], { env: t.env });
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const lines = jsonl.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(all.length);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(all);
    expect(runCli(['audit', '--help'], { env: t.env }).stdout).toMatch(/--jsonl/);
    outputs.push(json.stdout, jsonl.stdout);
  });

  it('show reports usage from the trail', () => {
    const r = runCli(['show', 'API_KEY', '--json'], { env: t.env });
    expect(JSON.parse(r.stdout).secret).toMatchObject({ useCount: 4 });
  });
});

describe('rm warns about secrets in use', () => {
  it('refuses to remove a secret used recently or named by a task, says why, and --force overrides', async () => {
    const r = runCli(['rm', 'API_KEY'], { env: t.env });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/tasks name it: ping/);
    expect(r.stderr).toMatch(/last used at \d{4}-/);
    expect(r.stderr).toContain('--force');
    expect((await openVaultOf(t.env)).has('API_KEY')).toBe(true);
  });
});

describe('audit verify', () => {
  it('passes on the untouched log', () => {
    const r = runCli(['audit', 'verify'], { env: t.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok: \d+ entries, chain intact; 1 unsigned vault.sealed notice/);
  });

  // Each tampering is applied to a copy of the home folder.
  const tamper = (edit: (lines: string[]) => string[]) => {
    const copy = tempHome();
    cpSync(t.home, copy.home, { recursive: true });
    const file = join(copy.home, 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, edit(lines).map((l) => `${l}\n`).join(''));
    const r = runCli(['audit', 'verify'], { env: copy.env });
    copy.cleanup();
    return r;
  };
  const signed = (lines: string[]) => lines.map((l, i) => ({ l, i })).filter(({ l }) => !l.includes('"unsigned":true'));

  it('names an edited entry', () => {
    const r = tamper((lines) => {
      const { i } = signed(lines)[3]!;
      lines[i] = lines[i]!.replace('"outcome":"ok"', '"outcome":"denied"');
      return lines;
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TAMPERED: .*audit\.jsonl:4 \(seq 4\): the MAC does not match/);
  });

  it('names an inserted entry', () => {
    const r = tamper((lines) => {
      const copy = signed(lines)[2]!.l;
      lines.splice(5, 0, copy);
      return lines;
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TAMPERED: .*audit\.jsonl:6 \(seq 3\)/);
  });

  it('names the gap of a removed entry', () => {
    const r = tamper((lines) => lines.filter((_, i) => i !== 4));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TAMPERED: .*\(seq 6\): sequence jumps from 4/);
  });

  it('names reordered entries', () => {
    const r = tamper((lines) => {
      [lines[2], lines[3]] = [lines[3]!, lines[2]!];
      return lines;
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TAMPERED: .*audit\.jsonl:3 \(seq 4\)/);
  });

  it('detects a cut at the front (one entry, then several), naming the first missing seq', () => {
    for (const cut of [1, 4]) {
      const r = tamper((lines) => lines.slice(cut));
      expect(r.code, `cut ${cut}`).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`TAMPERED: .*audit\\.jsonl:1 \\(seq ${cut + 1}\\): .*first missing seq 1\\b`));
    }
  });

  it('detects a cut tail', () => {
    const r = tamper((lines) => signed(lines).slice(0, -2).map(({ l }) => l));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/TAMPERED: the log ends at seq \d+ but \d+ entries were written: the tail was cut/);
  });
});

describe('fail closed', () => {
  it('with the audit file unwritable, a call using a secret is refused and the stub receives nothing', async () => {
    const h = tempHome();
    try {
      expect(runCli(['init'], { env: h.env }).code).toBe(0);
      expect(runCli(['set', 'FC_KEY', '--host', stub.origin], { env: h.env, input: 'fail-closed-value-123456' }).code).toBe(0);
      rmSync(join(h.home, 'audit.jsonl'));
      mkdirSync(join(h.home, 'audit.jsonl')); // a directory where the file should be
      const session = await connectStdio(h.env);
      try {
        stub.reset();
        const r = await session.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { Authorization: 'Bearer <secrets.FC_KEY>' } });
        expect(r.isError).toBe(true);
        expect(visible(r)).toContain('AUDIT_UNAVAILABLE');
        expect(stub.requests).toHaveLength(0);
        expect(stub.connections()).toBe(0);
      } finally {
        await session.close();
      }
      // exec refuses the same way: nothing runs
      const ex = await runCliAsync(['exec', '-s', 'FC_KEY', '--', process.execPath, '-e', 'console.log("ran")'], { env: h.env }).done;
      expect(ex.code).not.toBe(0);
      expect(ex.stdout).not.toContain('ran');
    } finally {
      h.cleanup();
    }
  });
});
