// Issue 22: the database restarted under load. Two team servers on a PostgreSQL server of this
// test's own (the run's is shared: it must not be stopped), calls on both all along: while the
// database is down every call fails with STORE_UNAVAILABLE or AUDIT_UNAVAILABLE (never a value sent
// unchecked, never a success without its entry); when it is back both servers serve again by
// themselves (same processes), the chain verifies with no entry lost or doubled, and each server
// put its refusals on stderr and then on record as one `audit.gap` entry.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, startHttpServer, type HttpServerProcess } from '../helpers/http-server.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startStub, type Stub } from '../helpers/stub.js';

const VALUE = `pgr${randomBytes(16).toString('hex')}`;
const MASTER = randomBytes(32).toString('base64');

let db: PostgresServer;
let stub: Stub;
let homes: TempHome[] = [];
const servers: HttpServerProcess[] = [];
const outputs: string[] = [];

interface Call {
  server: number;
  path: string;
  started: number;
  ended: number;
  ok: boolean;
  text: string;
}

interface Entry {
  action: string;
  path?: string;
  outcome: string;
  reason?: string;
  count?: number;
  firstAt?: string;
  lastAt?: string;
}

beforeAll(async () => {
  db = await startPostgres({ durable: true });
  stub = await startStub();
  homes = [0, 1].map(() => tempHome({ BLINDFOLD_STORE: db.url, BLINDFOLD_MASTER_KEY: MASTER }));
  expect(runCli(['init'], { env: homes[0]!.env }).code).toBe(0);
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await stub?.close();
  db?.stop();
  homes.forEach((h) => h.cleanup());
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the database restarted under load', () => {
  it('calls fail with STORE_UNAVAILABLE while it is down, service resumes by itself, no entry lost or doubled, one gap entry per server', async () => {
    const a = homes[0]!;
    expect(runCli(['set', 'PG_RESTART', '--host', stub.origin], { env: a.env, input: VALUE }).code).toBe(0);
    const token = /bf_agt_[A-Za-z0-9_-]{43}/.exec(runCli(['token', 'create', 'restart-agent', '--secrets', 'PG_*'], { env: a.env }).stdout)![0];
    servers.push(await startHttpServer(homes[0]!.env), await startHttpServer(homes[1]!.env));
    const calls: Call[] = [];
    let n = 0;
    let stop = false;
    const load = async (server: number) => {
      const session = await connectHttp(servers[server]!.url, token);
      while (!stop) {
        const path = `/repos/restart-${n++}`;
        const started = Date.now();
        let ok = false;
        let text = '';
        try {
          const r = await session.call('http_request', { method: 'GET', url: `${stub.url}${path}`, headers: { 'x-api-key': '<secrets.PG_RESTART>' } });
          ok = !r.isError;
          text = JSON.stringify(r.content);
        } catch (err) {
          text = String(err);
        }
        calls.push({ server, path, started, ended: Date.now(), ok, text });
        if (!ok) await sleep(50);
      }
      await session.close().catch(() => {});
    };
    const loads = [0, 1, 0, 1, 0, 1].map((s) => load(s));

    await sleep(2_000);
    db.halt();
    const down = Date.now();
    await sleep(3_000);
    const resuming = Date.now();
    db.resume();
    const up = Date.now();
    // Back by itself: each server answers a call again, without a restart.
    const deadline = up + 20_000;
    while (![0, 1].every((s) => calls.some((c) => c.server === s && c.started > up && c.ok)) && Date.now() < deadline) await sleep(100);
    await sleep(1_000);
    stop = true;
    await Promise.all(loads);
    for (const s of servers) expect(s.child.exitCode).toBeNull();
    await sleep(1_500); // a gap not yet closed by a call is closed by its probe
    outputs.push(...servers.map((s) => s.stderr()));
    outputs.push(...calls.map((c) => c.text));

    for (const s of [0, 1]) expect(calls.some((c) => c.server === s && c.started > up && c.ok), `server ${s} serves again`).toBe(true);
    const whileDown = calls.filter((c) => c.started > down + 200 && c.ended < resuming);
    expect(whileDown.length).toBeGreaterThan(4);
    // Never a success while the database is away, and every failure says why.
    expect(whileDown.filter((c) => c.ok)).toEqual([]);
    for (const c of whileDown) expect(c.text).toMatch(/STORE_UNAVAILABLE|AUDIT_UNAVAILABLE/);
    for (const s of servers) expect(s.stderr()).toMatch(/STORE_UNAVAILABLE|AUDIT_UNAVAILABLE/);

    const verify = runCli(['audit', 'verify', '--json'], { env: homes[1]!.env });
    outputs.push(verify.stdout, verify.stderr);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const audit = runCli(['audit', '--json'], { env: a.env });
    outputs.push(audit.stderr);
    const entries = JSON.parse(audit.stdout) as Entry[];
    const count = (action: string, outcome?: string) => {
      const m = new Map<string, number>();
      for (const e of entries) if (e.action === action && (!outcome || e.outcome === outcome) && e.path) m.set(e.path, (m.get(e.path) ?? 0) + 1);
      return m;
    };
    const resolved = count('secret.resolve');
    const sent = count('request.sent', 'ok');
    // Nothing left unchecked: every request the upstream got, and every call answered, is on record once.
    const received = stub.requests.map((r) => r.url.split('?')[0]!).filter((p) => p.startsWith('/repos/restart-'));
    for (const path of received) expect(resolved.get(path), path).toBe(1);
    for (const c of calls.filter((c) => c.ok)) expect(resolved.get(c.path), c.path).toBe(1);
    expect([...resolved.values(), ...sent.values()].filter((v) => v !== 1)).toEqual([]);
    // Requests whose after-the-fact entry could not be written are counted in a gap, with every refusal.
    const gaps = entries.filter((e) => e.action === 'audit.gap');
    expect(gaps).toHaveLength(2);
    const refused = calls.filter((c) => !c.ok).length;
    const unrecorded = calls.filter((c) => c.ok && !sent.has(c.path)).length;
    // A refusal whose own entry was written (the database came back between the failure and its
    // record, as the store resumed) is on record by itself, not counted in a gap.
    // Refusals of one principal written within a window are one entry with a count (src/audit/aggregate.ts).
    const recordedRefusals = entries
      .filter((e) => e.action !== 'audit.gap' && e.outcome !== 'ok' && /STORE_UNAVAILABLE|AUDIT_UNAVAILABLE/.test(e.reason ?? ''))
      .reduce((sum, e) => sum + (e.count ?? 1), 0);
    const otherFailures = calls.filter((c) => !c.ok && !/STORE_UNAVAILABLE|AUDIT_UNAVAILABLE/.test(c.text)).map((c) => c.text.slice(0, 200));
    expect(gaps.reduce((sum, g) => sum + g.count!, 0) + recordedRefusals, `failures that were no refusal: ${JSON.stringify(otherFailures)}`).toBeGreaterThanOrEqual(refused + unrecorded);
    for (const g of gaps) {
      expect(Date.parse(g.firstAt!)).toBeGreaterThanOrEqual(down - 1_000);
      expect(Date.parse(g.lastAt!)).toBeLessThanOrEqual(up + 20_000);
    }
    process.stderr.write(`database restart: ${calls.length} calls, ${whileDown.length} while down, ${refused} refused, gaps ${gaps.map((g) => g.count).join(' + ')}\n`);
  }, 180_000);

  it('no value reached any output', () => {
    expect(outputs.length).toBeGreaterThan(2);
    expect(outputs.filter((o) => o.includes(VALUE))).toEqual([]);
  });
});
