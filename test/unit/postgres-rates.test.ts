// A token's rate counted in PostgreSQL (src/store/postgres/rates.ts), so it holds across every
// instance on one database: on the run's real server, a fresh database per test, with two
// connections standing for two team servers.
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresConnection } from '../../src/store/postgres/connection.js';
import { initSchema } from '../../src/store/postgres/index.js';
import { takeRate } from '../../src/store/postgres/rates.js';
import { freshDatabase } from '../helpers/postgres-db.js';

const open: PostgresConnection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

async function instances(n: number): Promise<PostgresConnection[]> {
  const url = await freshDatabase();
  await initSchema(url);
  const made = Array.from({ length: n }, () => new PostgresConnection(url, { poolSize: 4 }));
  open.push(...made);
  return made;
}

describe('tokens\' rates counted in PostgreSQL', () => {
  it('a bucket of a minute\'s calls, shared by two instances: past it, the seconds to wait', async () => {
    const [a, b] = await instances(2);
    const taken = [];
    for (let i = 0; i < 6; i++) taken.push(await takeRate(i % 2 ? b! : a!, 'token:agent', 4, 1));
    expect(taken.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
    // 4 a minute refill one call in 15 s: the wait says so.
    for (const wait of taken.slice(4)) expect(wait).toBeGreaterThanOrEqual(14);
    for (const wait of taken.slice(4)) expect(wait).toBeLessThanOrEqual(15);
    // Another principal has a bucket of its own.
    expect(await takeRate(b!, 'token:other', 4, 1)).toBeUndefined();
  });

  it('calls at once on both instances never take more than the bucket holds', async () => {
    const [a, b] = await instances(2);
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => takeRate(i % 2 ? b! : a!, 'token:burst', 10, 1)));
    expect(results.filter((r) => r === undefined)).toHaveLength(10);
  });

  it('a batch is taken whole or not at all; one larger than the bucket never fits', async () => {
    const [a] = await instances(1);
    expect(await takeRate(a!, 'token:batch', 5, 3)).toBeUndefined();
    expect(await takeRate(a!, 'token:batch', 5, 3)).toBeGreaterThanOrEqual(1); // 2 left: refused, none taken
    expect(await takeRate(a!, 'token:batch', 5, 2)).toBeUndefined();
    expect(await takeRate(a!, 'token:batch', 5, 6)).toBe(60);
  });

  it('a database that cannot be reached refuses the call (STORE_UNAVAILABLE), never lets it through', async () => {
    const dead = new PostgresConnection('postgres://nobody@127.0.0.1:1/none', { poolSize: 1, connectTimeoutMs: 500 });
    open.push(dead);
    await expect(takeRate(dead, 'token:agent', 4, 1)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
