// The audit trail on PostgreSQL (issue 22), on the run's real server: two instances appending at
// once write one chain that verifies; query and usage answer from the rows this instance read;
// an entry edited or removed in the database fails `verifyStored`; the database away is
// AUDIT_UNAVAILABLE (the caller refuses) and appends resume when it is back; an entry appended
// from a store change's beforeCommit on the same database lands in that change's transaction.
// Not in test/contract/audit-trail.test.ts: that suite opens backends synchronously and verifies
// synchronously after editing the stored entry, which a database read cannot do (see audit-trail.ts).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { initSchema, openAuditTrail, PostgresStore, type PostgresAuditTrail } from '../../src/store/postgres/index.js';
import type { StoreChange } from '../../src/store/secret-store.js';
import { freshDatabase } from '../helpers/postgres-db.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';

const key = randomBytes(32);
const vaultId = 'pg-audit-vault';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function trailOn(url: string): Promise<PostgresAuditTrail> {
  const trail = await openAuditTrail(url, { key, vaultId, poolSize: 2 });
  cleanups.push(async () => {
    trail.close();
    await trail.settled();
  });
  return trail;
}

async function sql(url: string, text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL audit trail', () => {
  it('two instances appending at once write one chain, and each reads the other\'s entries', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const [one, two] = [await trailOn(url), await trailOn(url)];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? one : two).append({ action: 'secret.resolve', principal: `stdio:${i % 2 ? 'one' : 'two'}`, secrets: [i % 3 ? 'A' : 'B'], outcome: 'ok' }),
      ),
    );
    // Each instance's own appends finished in any order: what it holds is still the chain's prefix, once each.
    const held = two.query().map((e) => e.seq);
    expect(held).toEqual(Array.from({ length: held.length }, (_, i) => i + 1));
    await one.append({ action: 'secret.create', principal: 'cli:a', secrets: ['C'], outcome: 'ok', storeRevision: 1 });
    // `one` read every entry before its last append, under the lock.
    expect(one.query().map((e) => e.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect(one.usage().get('A')?.useCount).toBe(20);
    expect(one.query({ principal: 'stdio:two' })).toHaveLength(15);
    expect(await one.verifyStored(1)).toMatchObject({ ok: true, entries: 31 });
    expect(await two.verifyStored(1)).toMatchObject({ ok: true, entries: 31 });
    expect((await two.verifyStored(0)).ok).toBe(false); // a claim past the store's revision
  });

  it('an entry edited or removed in the database fails verifyStored', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const trail = await trailOn(url);
    for (const principal of ['cli:a', 'cli:b', 'cli:c']) await trail.append({ action: 'secret.update', principal, secrets: ['A'], outcome: 'ok' });
    expect((await trail.verifyStored()).ok).toBe(true);
    await sql(url, `UPDATE blindfold_audit SET entry = replace(entry::text, 'cli:b', 'cli:x')::json WHERE seq = 2`);
    expect(await trail.verifyStored()).toMatchObject({ ok: false, problem: expect.stringMatching(/seq 2.*MAC does not match/) });
    await sql(url, `UPDATE blindfold_audit SET entry = replace(entry::text, 'cli:x', 'cli:b')::json WHERE seq = 2`);
    expect((await trail.verifyStored()).ok).toBe(true);
    await sql(url, 'DELETE FROM blindfold_audit WHERE seq = 2');
    expect(await trail.verifyStored()).toMatchObject({ ok: false, problem: expect.stringContaining('does not follow') });
  });

  it('restored from a backup, the trail goes on from what is stored, not from what an instance had read', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const trail = await trailOn(url);
    for (const principal of ['cli:a', 'cli:b', 'cli:c', 'cli:d']) await trail.append({ action: 'secret.update', principal, secrets: ['A'], outcome: 'ok' });
    await sql(url, 'DELETE FROM blindfold_audit WHERE seq > 2'); // the backup was taken after entry 2
    const next = await trail.append({ action: 'secret.update', principal: 'cli:e', secrets: ['A'], outcome: 'ok' });
    expect(next.seq).toBe(3);
    expect(trail.query().map((e) => e.principal)).toEqual(['cli:a', 'cli:b', 'cli:e']);
    expect(await trail.verifyStored()).toMatchObject({ ok: true, entries: 3 });
  });

  it('the database away: append is AUDIT_UNAVAILABLE, without the password, and resumes on the same chain', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const proxy = await tcpProxy(url);
    cleanups.push(() => proxy.stop());
    const withPassword = new URL(proxy.url);
    withPassword.password = 'audit-pg-password';
    const trail = await trailOn(withPassword.href);
    await trail.append({ action: 'secret.resolve', principal: 'stdio:x', secrets: ['A'], outcome: 'ok' });
    await proxy.stop();
    const err = await trail.append({ action: 'secret.resolve', principal: 'stdio:x', secrets: ['A'], outcome: 'ok' }).then(() => undefined, (e: unknown) => e as Error & { code?: string });
    expect(err?.code).toBe('AUDIT_UNAVAILABLE');
    expect(`${err?.message} ${JSON.stringify(err)}`).not.toContain('audit-pg-password');
    await proxy.start();
    await trail.append({ action: 'secret.resolve', principal: 'stdio:y', secrets: ['A'], outcome: 'ok' });
    expect(await trail.verifyStored()).toMatchObject({ ok: true, entries: 2 });
  });
});

describe('a long-lived PostgreSQL trail', () => {
  it('holds the entries it read for a while only: usage and the chain go on, query and verify ask for a fresh read', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    // A team server appends for months: entries held for its life grew with the table.
    const trail = await openAuditTrail(url, { key, vaultId, poolSize: 2, entriesHeldMs: 50 });
    cleanups.push(async () => {
      trail.close();
      await trail.settled();
    });
    const other = await trailOn(url);
    await trail.append({ action: 'secret.resolve', principal: 'token:a', secrets: ['A'], outcome: 'ok' });
    await new Promise((res) => setTimeout(res, 120));
    // Dropped: never an answer from a partial copy.
    expect(() => trail.query()).toThrow(expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' }));
    expect(() => trail.verify()).toThrow(expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' }));
    // Figures and the chain's head outlive the entries, and follow other instances' appends.
    await other.append({ action: 'secret.resolve', principal: 'token:b', secrets: ['A', 'B'], outcome: 'ok' });
    for (let i = 0; i < 3; i++) await trail.append({ action: 'secret.resolve', principal: 'token:a', secrets: ['B'], outcome: 'ok' });
    expect(trail.usage().get('A')?.useCount).toBe(2);
    expect(trail.usage().get('B')?.useCount).toBe(4);
    expect(await trail.verifyStored()).toMatchObject({ ok: true, entries: 5 });
    expect(trail.query({ principal: 'token:b' })).toHaveLength(1);
  });
});

describe('a store change and its audit entry on one database', () => {
  interface Doc {
    revision: number;
    counts: Record<string, number>;
  }
  const claim = (trail: PostgresAuditTrail, key: string, refuse = false) => (current: Doc | null): StoreChange<Doc, void> => {
    const next = current ?? { revision: 0, counts: {} };
    next.counts[key] = 1;
    return {
      next,
      result: undefined,
      beforeCommit: async (revision) => {
        await trail.append({ action: 'secret.update', principal: 'cli:a', secrets: [key], outcome: 'ok', storeRevision: revision });
        await trail.append({ action: 'secret.update', principal: 'cli:a', secrets: [`${key}2`], outcome: 'ok', storeRevision: revision });
        if (refuse) throw new Error('refused after the entry was written');
      },
    };
  };

  it('land in one transaction: a change refused after its entry was written leaves no entry, nor does a COMMIT that never arrived', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const proxy = await tcpProxy(url);
    cleanups.push(() => proxy.stop());
    const store = new PostgresStore<Doc>(proxy.url, { collections: ['counts'], poolSize: 2 });
    cleanups.push(() => store.close());
    const trail = await trailOn(proxy.url);
    const abandoned: number[] = [];
    store.onAbandoned(async (revision) => {
      abandoned.push(revision);
      await trail.append({ action: 'store.abort', principal: 'cli:a', outcome: 'error', storeRevision: revision });
    });

    await store.update(claim(trail, 'A'));
    expect(trail.query().map((e) => e.seq)).toEqual([1, 2]);
    await expect(store.update(claim(trail, 'B', true))).rejects.toThrow('refused after the entry was written');
    expect(trail.query().map((e) => e.seq)).toEqual([1, 2]);
    expect(await trail.verifyStored(1)).toMatchObject({ ok: true, entries: 2 });

    proxy.cutOn('COMMIT', false);
    await expect(store.update(claim(trail, 'C'))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await trail.verifyStored(1)).toMatchObject({ ok: true, entries: 2 }); // the claim went with its change
    await store.update(claim(trail, 'D'));
    expect(abandoned).toEqual([2]);
    expect({ ...(await store.read()).document?.counts }).toEqual({ A: 1, D: 1 });
    // The abort of the revision that never landed, then the claim of the change that did.
    expect(trail.query().map((e) => [e.seq, e.action, e.storeRevision])).toEqual([
      [1, 'secret.update', 1],
      [2, 'secret.update', 1],
      [3, 'store.abort', 2],
      [4, 'secret.update', 2],
      [5, 'secret.update', 2],
    ]);
    expect(await trail.verifyStored(2)).toMatchObject({ ok: true, entries: 5 });
  });

  it('every connection cut in the middle of a burst of changes: each landed change has its one entry, nothing else landed', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const proxy = await tcpProxy(url);
    cleanups.push(() => proxy.stop());
    const stores = [0, 1].map(() => new PostgresStore<Doc>(proxy.url, { collections: ['counts'], poolSize: 3 }));
    for (const s of stores) cleanups.push(() => s.close());
    const trail = await trailOn(proxy.url);
    let claims = 0;
    const bump = (i: number) =>
      stores[i % 2]!.update((current) => {
        const next = current ?? { revision: 0, counts: {} };
        next.counts.n = (next.counts.n ?? 0) + 1;
        return {
          next,
          result: undefined,
          beforeCommit: async (revision) => {
            await trail.append({ action: 'secret.update', principal: `cli:${i}`, secrets: ['N'], outcome: 'ok', storeRevision: revision });
            if (++claims === 8) proxy.cutAll(); // as if the database restarted now
          },
        };
      });
    const outcomes = await Promise.allSettled(Array.from({ length: 24 }, (_, i) => bump(i)));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as { code?: string });
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(['STORE_UNAVAILABLE', 'AUDIT_UNAVAILABLE']).toContain(r.code);
    await bump(100); // service resumes by itself
    const doc = (await stores[0]!.read()).document!;
    expect(doc.counts.n).toBe(doc.revision); // no lost update, none applied twice
    const report = await trail.verifyStored(doc.revision);
    expect(report.ok, report.problem).toBe(true);
    const claimed = trail.query({ action: 'secret.update' }).map((e) => e.storeRevision);
    expect(claimed).toEqual(Array.from({ length: doc.revision }, (_, i) => i + 1)); // one entry per landed change, in order
  });
});
