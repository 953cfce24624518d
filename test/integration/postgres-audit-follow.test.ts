// `blindfold audit --follow` on a PostgreSQL store: the entries so far, then each one appended by
// any process, in chain order and each once; the filters and the table as on a file; while the
// database is away it waits (said once on stderr) and, once it is back, goes on from where it was.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { entries, follow } from '../helpers/follow.js';
import { freshDatabase } from '../helpers/postgres-db.js';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const VALUES = [`pgv-${randomBytes(12).toString('hex')}`, `pgv-${randomBytes(12).toString('hex')}`, `pgv-${randomBytes(12).toString('hex')}`];
const MASTER = randomBytes(32).toString('base64');
let t: TempHome;
let viaProxy: TempHome;
let proxy: TcpProxy;

const cli = (args: string[], input = '') => runCli(args, { env: t.env, input });

beforeAll(async () => {
  const url = await freshDatabase();
  proxy = await tcpProxy(url);
  t = tempHome({ BLINDFOLD_STORE: url, BLINDFOLD_MASTER_KEY: MASTER });
  viaProxy = tempHome({ BLINDFOLD_STORE: proxy.url, BLINDFOLD_MASTER_KEY: MASTER });
  expect(cli(['init']).code).toBe(0);
  expect(cli(['set', 'FIRST_KEY', '--host', 'api.first.example'], VALUES[0]).code).toBe(0);
});

afterAll(async () => {
  await proxy?.stop();
  t?.cleanup();
  viaProxy?.cleanup();
});

describe('audit --follow on PostgreSQL', () => {
  it('--json prints the entries so far, then those other processes append, each once and in order; SIGINT ends it with 0', async () => {
    const before = entries(cli(['audit', '--jsonl']).stdout);
    expect(before.length).toBeGreaterThan(0);
    const f = follow(t, ['--json']);
    await f.until((s) => entries(s).length >= before.length);
    expect(cli(['set', 'SECOND_KEY', '--host', 'api.second.example'], VALUES[1]).code).toBe(0);
    await f.until((s) => entries(s).some((e) => e.action === 'secret.create' && e.secrets?.includes('SECOND_KEY')));
    f.child.kill('SIGINT');
    const r = await f.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const seqs = entries(r.stdout).map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a! - b!));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.length).toBe(before.length + 1);
    for (const v of VALUES) expect(r.stdout + r.stderr).not.toContain(v);
  });

  it('keeps to the filters and prints the table until SIGTERM', async () => {
    const f = follow(t, ['--secret', 'THIRD_KEY']);
    await f.until((s) => s.startsWith('TIME'));
    expect(cli(['set', 'OTHER_KEY', '--host', 'api.other.example'], VALUES[2]).code).toBe(0);
    expect(cli(['set', 'THIRD_KEY', '--host', 'api.third.example'], VALUES[0]).code).toBe(0);
    const out = await f.until((s) => /secret\.create +cli:\S+ +THIRD_KEY/.test(s));
    f.child.kill('SIGTERM');
    const r = await f.done;
    expect(r.code).toBe(0);
    expect(out).not.toContain('OTHER_KEY');
    expect(out.split('\n')[0]).toMatch(/^TIME +SEQ +ACTION +PRINCIPAL +SECRETS +REQUEST +OUTCOME$/);
  });

  it('waits while the database is away, says so, and goes on from where it was when it is back', async () => {
    const f = follow(viaProxy, ['--json']);
    const shown = entries(await f.until((s) => entries(s).some((e) => e.secrets?.includes('THIRD_KEY')))).length;
    await proxy.stop();
    await new Promise((r) => setTimeout(r, 1500));
    expect(cli(['set', 'FOURTH_KEY', '--host', 'api.fourth.example'], VALUES[1]).code).toBe(0);
    expect(f.stderr()).toMatch(/database is unavailable; waiting/);
    await proxy.start();
    const out = await f.until((s) => entries(s).some((e) => e.secrets?.includes('FOURTH_KEY')));
    f.child.kill('SIGINT');
    const r = await f.done;
    expect(r.code).toBe(0);
    const seqs = entries(r.stdout).map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(entries(out).length).toBe(shown + 1);
    expect(r.stderr).toMatch(/database is back/);
    for (const v of VALUES) expect(r.stdout + r.stderr).not.toContain(v);
  });
});
