// A fresh database per caller on the run's PostgreSQL server (test/helpers/postgres.ts starts it):
// tests share one server and never one database, so no test sees another's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The URL of a new, empty database (the server's superuser; trust auth on loopback). */
export async function freshDatabase(): Promise<string> {
  const server = new URL(inject('postgresUrl'));
  const name = `bf_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server.href });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  server.pathname = `/${name}`;
  return server.href;
}

/** The version string the run's server gave (`SELECT version()`), for tests that record it. */
export function postgresVersion(): string {
  return inject('postgresVersion');
}
