// Group commit of the PostgreSQL audit trail (issue 22, src/store/postgres/audit-group.ts), on the
// run's real server: many appends in flight from one instance land in fewer transactions than
// entries (xmin, the inserting transaction's id, counted per row), each exactly once in call order,
// and the chain verifies; a group's transaction killed mid-INSERT rejects every caller of that group
// (nothing acknowledged that was not committed) and the appends after it still chain on; two
// instances grouping at once still write one chain.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditFields } from '../../src/audit/chain.js';
import { initSchema, openAuditTrail, type PostgresAuditOptions, type PostgresAuditTrail } from '../../src/store/postgres/index.js';
import { freshDatabase } from '../helpers/postgres-db.js';

const key = randomBytes(32);
const vaultId = 'pg-audit-group-vault';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function trailOn(url: string, group?: PostgresAuditOptions['group']): Promise<PostgresAuditTrail> {
  const trail = await openAuditTrail(url, { key, vaultId, poolSize: 4, ...(group ? { group } : {}) });
  cleanups.push(async () => {
    trail.close();
    await trail.settled().catch(() => {});
  });
  return trail;
}

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  cleanups.push(() => c.end().catch(() => {}));
  return c;
}

/** Rows per inserting transaction (xmin), and the principals in seq order, as stored. */
async function stored(url: string, prefix = ''): Promise<{ perTransaction: number[]; principals: string[] }> {
  const c = await client(url);
  const groups = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM blindfold_audit WHERE entry->>'principal' LIKE $1 GROUP BY xmin::text`, [`${prefix}%`]);
  const rows = await c.query<{ principal: string }>(`SELECT entry->>'principal' AS principal FROM blindfold_audit ORDER BY seq`);
  return { perTransaction: groups.rows.map((r) => r.n), principals: rows.rows.map((r) => r.principal) };
}

const fields = (principal: string): AuditFields => ({ action: 'request.sent', principal, secrets: ['A'], outcome: 'ok' });
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}:${i}`);

describe('group commit of the PostgreSQL audit trail', () => {
  it('200 appends in flight from one instance: each once, in call order, a chain that verifies, in far fewer transactions than entries', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const trail = await trailOn(url);
    const principals = names('stdio:p', 200);
    const entries = await Promise.all(principals.map((p) => trail.append(fields(p))));
    expect(entries.map((e) => e.seq)).toEqual(principals.map((_, i) => i + 1));
    expect(await trail.verifyStored()).toMatchObject({ ok: true, entries: 200 });
    const { perTransaction, principals: inOrder } = await stored(url);
    expect(inOrder).toEqual(principals);
    expect(perTransaction.reduce((a, b) => a + b, 0)).toBe(200);
    expect(perTransaction.length).toBeLessThan(20);
  });

  it('a group is bounded by its entries and its bytes', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const byCount = await trailOn(url, { maxEntries: 25 });
    await Promise.all(names('stdio:c', 100).map((p) => byCount.append(fields(p))));
    let { perTransaction } = await stored(url, 'stdio:c');
    expect(Math.max(...perTransaction)).toBeLessThanOrEqual(25);
    expect(perTransaction.length).toBeGreaterThanOrEqual(4);
    // About 300 bytes an entry (its fields' JSON and the stamped part): at most 10 fit in 3,000.
    const bySize = await trailOn(url, { maxBytes: 3_000 });
    await Promise.all(names('stdio:s', 100).map((p) => bySize.append(fields(p))));
    ({ perTransaction } = await stored(url, 'stdio:s'));
    expect(Math.max(...perTransaction)).toBeLessThanOrEqual(10);
    expect(perTransaction.length).toBeGreaterThanOrEqual(10);
    expect(await bySize.verifyStored()).toMatchObject({ ok: true, entries: 200 });
  });

  it('the connection killed in the middle of a group: its callers are refused, none of its entries lands, the next appends chain on', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const trail = await trailOn(url);
    await trail.append(fields('stdio:first'));
    // A row at seq 2 not committed yet: the group's INSERT (seqs 2…) waits on it, in the middle of its transaction.
    const blocker = await client(url);
    await blocker.query('BEGIN');
    await blocker.query(`INSERT INTO blindfold_audit (seq, entry) VALUES (2, '{}')`);
    const waveA = names('stdio:a', 20).map((p) => trail.append(fields(p)));
    // Handled from now on: the group may be refused before the terminating query returns.
    const settledA = Promise.allSettled(waveA);
    // Watched from outside the blocker's transaction, whose view of pg_stat_activity is a snapshot.
    const watcher = await client(url);
    let pid: number | undefined;
    for (let i = 0; i < 500 && pid === undefined; i++) {
      const r = await watcher.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO blindfold_audit (seq, entry) SELECT%'`,
      );
      pid = r.rows[0]?.pid;
      if (pid === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(pid).toBeDefined();
    const waveB = names('stdio:b', 5).map((p) => trail.append(fields(p))); // queued behind the group in flight
    const settledB = Promise.allSettled(waveB);
    await watcher.query('SELECT pg_terminate_backend($1)', [pid]);
    const outcomes = await settledA;
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : 'resolved'))).toEqual(waveA.map(() => 'AUDIT_UNAVAILABLE'));
    await blocker.query('ROLLBACK');
    const written = await settledB;
    expect(written.map((o) => (o.status === 'fulfilled' ? o.value.seq : o.reason))).toEqual([2, 3, 4, 5, 6]);
    await trail.append(fields('stdio:last'));
    expect(await trail.verifyStored()).toMatchObject({ ok: true, entries: 7 });
    expect((await stored(url)).principals).toEqual(['stdio:first', ...names('stdio:b', 5), 'stdio:last']);
    expect(trail.query().map((e) => e.principal)).toEqual(['stdio:first', ...names('stdio:b', 5), 'stdio:last']);
  });

  it('two instances grouping at once write one chain: every entry once, each instance\'s in its call order', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const [one, two] = [await trailOn(url), await trailOn(url)];
    const ones = names('stdio:one', 100);
    const twos = names('stdio:two', 100);
    const burst = async (trail: PostgresAuditTrail, principals: string[]) => {
      // In waves, so that each instance appends while the other holds the chain's lock.
      for (let i = 0; i < principals.length; i += 20) await Promise.all(principals.slice(i, i + 20).map((p) => trail.append(fields(p))));
    };
    await Promise.all([burst(one, ones), burst(two, twos)]);
    expect(await one.verifyStored()).toMatchObject({ ok: true, entries: 200 });
    expect(await two.verifyStored()).toMatchObject({ ok: true, entries: 200 });
    const { principals, perTransaction } = await stored(url);
    expect(principals.filter((p) => p.startsWith('stdio:one'))).toEqual(ones);
    expect(principals.filter((p) => p.startsWith('stdio:two'))).toEqual(twos);
    expect(perTransaction.length).toBeLessThan(200);
  });
});
