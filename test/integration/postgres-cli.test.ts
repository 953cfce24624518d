// Issue 22: the built CLI and two team servers on one real PostgreSQL database (the run's server,
// test/helpers/postgres.ts). `init --store` creates the schema and the vault there; the secrets,
// tokens and audit trail live in rows (no vault file in the home); a password never goes on argv;
// two `serve --http` instances on one database: a value set elsewhere is used by the next call, a
// token revoked elsewhere is refused by both, and the audit chain verifies whoever wrote it.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresConnection } from '../../src/store/postgres/connection.js';
import { takeRate } from '../../src/store/postgres/rates.js';
import { initSchema, schemaVersion } from '../../src/store/postgres/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectHttp, startHttpServer, type HttpServerProcess } from '../helpers/http-server.js';
import { freshDatabase } from '../helpers/postgres-db.js';
import { startStub, type Stub } from '../helpers/stub.js';

const FIRST = `pgv-${randomBytes(16).toString('hex')}`;
const SECOND = `pgv-${randomBytes(16).toString('hex')}`;
const MASTER = randomBytes(32).toString('base64');

let url = '';
let stub: Stub;
let a: TempHome;
let b: TempHome;
const servers: HttpServerProcess[] = [];

async function allRowsText(): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = ['blindfold_vault', 'blindfold_records', 'blindfold_changes', 'blindfold_audit', 'blindfold_audit_notices'];
    // One query at a time: a pg client runs one (pg@9 refuses a second one in flight).
    const rows: string[] = [];
    for (const t of tables) rows.push(JSON.stringify((await client.query(`SELECT * FROM ${t}`)).rows));
    return rows.join('\n');
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  url = await freshDatabase();
  stub = await startStub();
  // Two machines: two homes, one database, the same master key (never in the database).
  a = tempHome({ BLINDFOLD_STORE: url, BLINDFOLD_MASTER_KEY: MASTER });
  b = tempHome({ BLINDFOLD_STORE: url, BLINDFOLD_MASTER_KEY: MASTER });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await stub?.close();
  a?.cleanup();
  b?.cleanup();
});

describe('the CLI on a PostgreSQL store', () => {
  it('init creates the schema and the vault in the database; upgrade then has nothing to do', () => {
    const init = runCli(['init'], { env: a.env });
    expect(init.stderr).toContain('created the schema');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/vault ready at postgres:\/\/.*\(0 secrets\)/);
    expect(runCli(['init'], { env: b.env }).code).toBe(0); // the second machine finds it
    const upgrade = runCli(['upgrade', '--json'], { env: b.env });
    expect(upgrade.code).toBe(0);
    expect(JSON.parse(upgrade.stdout)).toMatchObject({ changed: false });
    expect(existsSync(join(a.home, 'vault.json'))).toBe(false);
  });

  it('a secret set on one machine is listed on the other; rows hold ciphertext only', async () => {
    const set = runCli(['set', 'PG_KEY', '--host', stub.origin], { env: a.env, input: FIRST });
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    const listed = runCli(['list', '--json'], { env: b.env });
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { secrets: Array<{ name: string }> }).secrets.map((s) => s.name)).toEqual(['PG_KEY']);
    expect(await allRowsText()).not.toContain(FIRST);
  });

  it('a password on the command line is refused unused and not repeated', () => {
    const withPassword = new URL(url);
    withPassword.password = 'pw-on-argv-9f8e7d';
    const r = runCli(['--store', withPassword.href, 'list'], { env: { ...a.env, BLINDFOLD_STORE: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('BLINDFOLD_STORE');
    expect(r.stdout + r.stderr).not.toContain('pw-on-argv-9f8e7d');
    const bad = runCli(['--store', 'mysql://x@127.0.0.1/db', 'list'], { env: { ...a.env, BLINDFOLD_STORE: '' } });
    expect(bad.code).toBe(2);
    const pool = runCli(['list'], { env: { ...a.env, BLINDFOLD_STORE_POOL_SIZE: '1' } });
    expect(pool.code).toBe(2);
    expect(pool.stderr).toContain('storePoolSize');
  });
});

describe('two team servers on one database', () => {
  let token = '';

  beforeAll(async () => {
    const created = runCli(['token', 'create', 'agent-one', '--secrets', 'PG_*'], { env: a.env });
    expect(created.code).toBe(0);
    token = /bf_agt_[A-Za-z0-9_-]{43}/.exec(created.stdout)![0];
    servers.push(await startHttpServer(a.env), await startHttpServer(b.env));
  });

  it('a value set by another process is used by the next call on either server', async () => {
    const sessions = await Promise.all(servers.map((s) => connectHttp(s.url, token)));
    try {
      const call = (i: number) => sessions[i]!.call('http_request', { method: 'GET', url: `${stub.url}/echo`, headers: { 'x-api-key': '<secrets.PG_KEY>' } });
      for (const i of [0, 1]) expect((await call(i)).isError).toBeFalsy();
      expect(stub.requests.slice(-2).map((r) => r.headers['x-api-key'])).toEqual([FIRST, FIRST]);
      expect(runCli(['set', 'PG_KEY'], { env: b.env, input: SECOND }).code).toBe(0);
      for (const i of [0, 1]) expect((await call(i)).isError).toBeFalsy();
      expect(stub.requests.slice(-2).map((r) => r.headers['x-api-key'])).toEqual([SECOND, SECOND]);
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
  });

  it('a token revoked on one machine is refused by both servers', async () => {
    expect(runCli(['token', 'revoke', 'agent-one'], { env: b.env }).code).toBe(0);
    for (const server of servers) {
      await expect(connectHttp(server.url, token)).rejects.toThrow(/unauthorized/i);
    }
  });

  it('the audit chain is one chain whoever wrote each entry, and verifies', () => {
    const entries = JSON.parse(runCli(['audit', '--json'], { env: a.env }).stdout) as Array<{ action: string; principal: string }>;
    expect(entries.filter((e) => e.action === 'request.sent' && e.principal === 'token:agent-one').length).toBeGreaterThanOrEqual(4);
    const verify = runCli(['audit', 'verify'], { env: b.env });
    expect(verify.stdout + verify.stderr).toMatch(/ok|verified/i);
    expect(verify.code).toBe(0);
    for (const s of servers) expect(s.stderr()).not.toContain(FIRST);
    const doctor = JSON.parse(runCli(['doctor', '--json'], { env: a.env }).stdout) as { checks: Array<{ check: string; status: string; message: string }> };
    const byCheck = (c: string) => doctor.checks.find((l) => l.check === c)!;
    expect(byCheck('vault')).toMatchObject({ status: 'ok', message: expect.stringMatching(/^postgres:\/\//) });
    expect(byCheck('audit')).toMatchObject({ status: 'ok', message: expect.stringContaining('(audit rows)') });
  });
});

describe('an upgrade to schema 3 (tokens\' rates in the database)', () => {
  it("gives a role that writes the vault's records the new table too: its rated calls are counted, not refused", async () => {
    // A database as the previous release left it: schema 2, and a role with that release's grants.
    const old = await freshDatabase();
    await initSchema(old);
    const role = `bfu_${randomBytes(4).toString('hex')}`;
    const owner = new pg.Client({ connectionString: old });
    await owner.connect();
    try {
      await owner.query('DROP TABLE blindfold_rates; DELETE FROM blindfold_schema_version WHERE version = 3');
      await owner.query(`CREATE ROLE ${role} LOGIN; GRANT SELECT, INSERT, UPDATE ON blindfold_records TO ${role}`);
    } finally {
      await owner.end();
    }
    expect(await schemaVersion(old)).toBe(2);
    const r = runCli(['upgrade'], { env: { ...a.env, BLINDFOLD_STORE: old } });
    expect(r.code, r.stderr).toBe(0);
    expect(await schemaVersion(old)).toBe(3);
    const asRole = new URL(old);
    asRole.username = role;
    const counter = new PostgresConnection(asRole.href, { poolSize: 1 });
    try {
      expect(await takeRate(counter, 'token:upgraded', 2, 1)).toBeUndefined();
    } finally {
      await counter.close();
    }
  });
});

describe("the README's least-privilege role", () => {
  it('runs the CLI (set, token create, list, audit verify) and cannot rewrite or delete audit rows', async () => {
    // The grants exactly as README's "Running several servers" gives them, for this test's database and a role of its own.
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Running several servers'));
    const sql = /```sql\n([\s\S]*?)```/.exec(section)![1]!;
    const database = new URL(url).pathname.slice(1);
    const role = `bfs_${randomBytes(4).toString('hex')}`;
    const owner = new pg.Client({ connectionString: url });
    await owner.connect();
    try {
      await owner.query(sql.replaceAll('blindfold_server', role).replace('ON DATABASE blindfold ', `ON DATABASE ${database} `));
    } finally {
      await owner.end();
    }
    const asRole = new URL(url);
    asRole.username = role;
    const env = { ...a.env, BLINDFOLD_STORE: asRole.href };
    expect(runCli(['set', 'PG_ROLE_KEY', '--host', stub.origin], { env, input: FIRST }).code).toBe(0);
    expect(runCli(['token', 'create', 'role-agent', '--secrets', 'PG_ROLE_*'], { env }).code).toBe(0);
    expect(JSON.parse(runCli(['list', '--json'], { env }).stdout).secrets.map((s: { name: string }) => s.name)).toContain('PG_ROLE_KEY');
    expect(runCli(['audit', 'verify'], { env }).code).toBe(0);
    const client = new pg.Client({ connectionString: asRole.href });
    await client.connect();
    try {
      // A token's rate is counted in the database (src/store/postgres/rates.ts): the role may.
      const counter = new PostgresConnection(asRole.href, { poolSize: 1 });
      try {
        expect(await takeRate(counter, 'token:role-agent', 2, 1)).toBeUndefined();
      } finally {
        await counter.close();
      }
      for (const statement of ['DELETE FROM blindfold_audit', "UPDATE blindfold_audit SET entry = '{}'", 'DROP TABLE blindfold_records', 'DELETE FROM blindfold_rates']) {
        await expect(client.query(statement), statement).rejects.toThrow(/permission denied|must be owner/);
      }
    } finally {
      await client.end();
    }
  });
});
