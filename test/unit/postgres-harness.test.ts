// The test harness's PostgreSQL (test/helpers/postgres.ts): a real server answered, and each fresh
// database is a database of its own.
import pg from 'pg';
import { expect, it } from 'vitest';
import { freshDatabase, postgresVersion } from '../helpers/postgres-db.js';

it('the run has a real PostgreSQL server on loopback, and each fresh database is apart', async () => {
  expect(postgresVersion()).toMatch(/^PostgreSQL \d+/);
  const [a, b] = [await freshDatabase(), await freshDatabase()];
  expect(new URL(a).hostname).toBe('127.0.0.1');
  expect(a).not.toBe(b);
  const client = new pg.Client({ connectionString: a });
  await client.connect();
  try {
    await client.query('CREATE TABLE only_here (n int)');
    expect((await client.query<{ version: string }>('SELECT version()')).rows[0]!.version).toBe(postgresVersion());
  } finally {
    await client.end();
  }
  const other = new pg.Client({ connectionString: b });
  await other.connect();
  try {
    expect((await other.query("SELECT to_regclass('only_here') AS t")).rows[0].t).toBeNull();
  } finally {
    await other.end();
  }
});
