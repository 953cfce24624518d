// The PostgreSQL store beyond the shared contract (issue 22), on the run's real server: the schema
// is created only when asked and a newer one is refused; a change writes only the rows it touched,
// as handed over; the database going away is STORE_UNAVAILABLE with no password in any message,
// and service resumes without a restart; LISTEN comes back after a cut and says something changed;
// a COMMIT whose answer is lost is settled by the next write.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { initSchema, PostgresStore, redactedLocation, schemaVersion, SCHEMA_VERSION } from '../../src/store/postgres/index.js';
import type { StoreChange } from '../../src/store/secret-store.js';
import { freshDatabase } from '../helpers/postgres-db.js';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

interface Doc {
  revision: number;
  label?: string;
  counts: Record<string, unknown>;
}

const collections = ['counts'];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function open(url: string, options: { connectTimeoutMs?: number; lockTimeoutMs?: number } = {}): PostgresStore<Doc> {
  const store = new PostgresStore<Doc>(url, { collections, poolSize: 2, ...options });
  cleanups.push(() => store.close());
  return store;
}

async function sql<R extends Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function proxied(url: string): Promise<TcpProxy> {
  const proxy = await tcpProxy(url);
  cleanups.push(() => proxy.stop());
  return proxy;
}

const set = (key: string, value: unknown) => (current: Doc | null): StoreChange<Doc, void> => {
  const next = current ?? { revision: 0, counts: {} };
  next.counts[key] = value;
  return { next, result: undefined };
};

/** A URL with a password the test can look for (trust auth on loopback ignores it). */
function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.href;
}

describe('the PostgreSQL schema', () => {
  it('is created only by initSchema, under its lock once however many run it, and a serving store never creates it', async () => {
    const url = await freshDatabase();
    await expect(open(url).read()).rejects.toMatchObject({ code: 'STORE_SCHEMA_MISMATCH', message: expect.stringContaining('blindfold init --store') });
    expect(await schemaVersion(url)).toBe(0);
    const runs = await Promise.all([initSchema(url), initSchema(url), initSchema(url)]);
    expect(runs.filter((r) => r.from === 0)).toHaveLength(1); // one created it; the others found it done
    expect(runs.every((r) => r.to === SCHEMA_VERSION)).toBe(true);
    // Each numbered migration applied once, in order.
    expect(await sql(url, 'SELECT version FROM blindfold_schema_version ORDER BY version')).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    expect((await open(url).read()).document).toBeNull();
  });

  it('a database upgraded past this release is refused, by a serving store and by initSchema alike', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    await sql(url, 'INSERT INTO blindfold_schema_version (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
    const newer = { code: 'STORE_SCHEMA_MISMATCH', message: expect.stringContaining('newer than this release') };
    await expect(open(url).read()).rejects.toMatchObject(newer);
    await expect(open(url).update(set('a', 1))).rejects.toMatchObject(newer);
    await expect(initSchema(url)).rejects.toMatchObject(newer);
  });
});

describe('the PostgreSQL store', () => {
  it('a change writes the rows it touched, as handed over (key order kept), with the change in the feed', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const store = open(url);
    for (let i = 0; i < 20; i++) await store.update(set(`k${i}`, { z: 'ciphertext', a: i }));
    await store.update((current) => {
      delete current!.counts.k3;
      current!.counts.k7 = { z: 'new', a: 7 };
      return { next: current!, result: undefined };
    });
    const written = await sql<{ key: string; record: string | null }>(url, 'SELECT key, record::text AS record FROM blindfold_records WHERE revision = 21 ORDER BY key');
    expect(written).toEqual([
      { key: 'k3', record: null }, // a deleted record keeps its row: per-record compare-and-set knows when it went
      { key: 'k7', record: '{"z":"new","a":7}' },
    ]);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM blindfold_records')).toEqual([{ n: 20 }]);
    const [feed] = await sql<{ records: unknown; meta: boolean }>(url, 'SELECT records, meta FROM blindfold_changes WHERE revision = 21');
    expect(feed).toEqual({ records: { counts: ['k3', 'k7'] }, meta: false });
    expect(store.recordRevision('counts', 'k3')).toBe(21);
  });

  it('a database restored from a backup and written again replaces what an instance has, even at the same revision', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const [serving, other] = [open(url), open(url)];
    for (const key of ['a', 'b', 'c']) await serving.update(set(key, 1));
    const { stamp } = await serving.read();
    // Restored to revision 1 (what a backup taken then holds), then written twice by another instance.
    await sql(url, 'DELETE FROM blindfold_changes WHERE revision > 1');
    await sql(url, 'DELETE FROM blindfold_records WHERE revision > 1');
    await sql(url, 'UPDATE blindfold_vault SET revision = 1, head = (SELECT change_id FROM blindfold_changes WHERE revision = 1)');
    await other.update(set('revoked', 1));
    await other.update(set('x', 1));
    expect(await serving.changedSince(stamp)).toBe(true); // revision 3 again, by other changes
    const doc = (await serving.read()).document!;
    expect(doc.revision).toBe(3);
    expect({ ...doc.counts }).toEqual({ a: 1, revoked: 1, x: 1 });
    await sql(url, 'DELETE FROM blindfold_changes WHERE revision > 1');
    await sql(url, 'DELETE FROM blindfold_records WHERE revision > 1');
    await sql(url, 'UPDATE blindfold_vault SET revision = 1, head = (SELECT change_id FROM blindfold_changes WHERE revision = 1)');
    await other.update(set('y', 1)); // fewer changes since the restore: revision 2, below what `serving` has
    expect({ ...(await serving.read()).document?.counts }).toEqual({ a: 1, y: 1 });
    await serving.update(set('z', 1)); // and it writes on from there
    expect({ ...(await other.read()).document?.counts }).toEqual({ a: 1, y: 1, z: 1 });
  });

  it('a writer that cannot get the vault\'s lock in time is refused with VAULT_LOCKED, and writes nothing', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const store = open(url, { lockTimeoutMs: 200 });
    await store.update(set('a', 1));
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT revision FROM blindfold_vault FOR UPDATE'); // another instance mid-change
      await expect(store.update(set('b', 1))).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    await store.update(set('b', 1));
    expect({ ...(await store.read()).document?.counts }).toEqual({ a: 1, b: 1 });
  });

  it('keeps the password out of its location and its errors while the database is away, and comes back by itself', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const proxy = await proxied(url);
    const password = 'hunter2-pg-password';
    const store = open(withPassword(proxy.url, password), { connectTimeoutMs: 2_000 });
    expect(store.location).not.toContain(password);
    expect(store.location).toBe(redactedLocation(proxy.url));
    await store.update(set('a', 1));

    await proxy.stop();
    for (const attempt of [() => store.read(), () => store.update(set('b', 2)), () => store.changedSince('1')]) {
      const err = await attempt().then(() => undefined, (e: unknown) => e as Error & { code?: string });
      expect(err?.code).toBe('STORE_UNAVAILABLE');
      expect(`${err?.message} ${JSON.stringify(err)}`).not.toContain(password);
    }
    await proxy.start();
    await store.update(set('b', 2));
    expect({ ...(await store.read()).document?.counts }).toEqual({ a: 1, b: 2 });
    expect(redactedLocation(`postgres://u:${password}@h/db?password=${password}&sslmode=require`)).toBe('postgres://u@h/db?sslmode=require');
  });

  it('watch reconnects after its connection is cut and then tells its subscriber, since notices sent meanwhile are lost', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const proxy = await proxied(url);
    const watcher = open(proxy.url);
    const writer = open(url);
    await writer.update(set('a', 1));
    await watcher.read();
    let calls = 0;
    let wake: () => void = () => {};
    const next = () => new Promise<void>((resolve) => (wake = resolve));
    let first = next();
    const unsubscribe = watcher.watch(() => {
      calls++;
      wake();
    });
    await first; // told once LISTEN holds
    first = next();
    await writer.update(set('b', 1));
    await first; // a NOTIFY through the proxy

    await proxy.stop();
    await writer.update(set('c', 1)); // its NOTIFY reaches no one
    const before = calls;
    const reconnected = next();
    await proxy.start();
    await reconnected;
    expect(calls).toBeGreaterThan(before);
    expect({ ...(await watcher.read()).document?.counts }).toEqual({ a: 1, b: 1, c: 1 });
    expect(watcher.changesSince(1)?.records.counts?.sort()).toEqual(['b', 'c']);
    unsubscribe();
  });

  it('a COMMIT whose answer is lost: the next write reports it abandoned if it never landed, and not if it did', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const proxy = await proxied(url);
    const store = open(proxy.url);
    const abandoned: number[] = [];
    store.onAbandoned(async (revision) => void abandoned.push(revision));
    await store.update(set('a', 1));

    proxy.cutOn('COMMIT', false); // the server never sees it: rolled back when the connection goes
    await expect(store.update(set('lost', 1))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.update(set('b', 1));
    expect(abandoned).toEqual([2]);
    expect({ ...(await store.read()).document?.counts }).toEqual({ a: 1, b: 1 });

    proxy.cutOn('COMMIT', true); // the server commits; its answer is lost
    await expect(store.update(set('landed', 1))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await store.update(set('c', 1));
    expect(abandoned).toEqual([2]);
    const doc = (await store.read()).document!;
    expect({ ...doc.counts }).toEqual({ a: 1, b: 1, landed: 1, c: 1 });
    expect(doc.revision).toBe(4);
  });
});
