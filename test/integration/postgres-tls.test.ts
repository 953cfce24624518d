// Issue 22: the PostgreSQL store over TLS, chosen by the URL's sslmode with libpq's meanings
// (src/store/postgres/tls.ts). A server of this file's own with ssl=on (the run's shared one stays as
// it is): a CA and certificates made now with openssl, a pg_hba.conf that takes only TLS except for
// one role (`either`), which may also connect in plaintext, so that "encrypted" is something the
// store chose and not the only way in. The built CLI does the work; pg_stat_ssl says what the
// store's own connections are.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresConnection } from '../../src/store/postgres/connection.js';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { makeTestCa, type TestCa } from '../helpers/tls-certs.js';

// The server trusts loopback, so it never asks for this password: it is here to be never echoed.
const PASSWORD = `pgpw-${randomBytes(12).toString('hex')}`;
const VALUE = `tlsv-${randomBytes(16).toString('hex')}`;
const MASTER = randomBytes(32).toString('base64');

let ca: TestCa;
let server: PostgresServer;
let port = '';
let client: { certFile: string; keyFile: string; key: string };
const homes: TempHome[] = [];

/** A superuser connection over TLS to this file's server (its chain checked; it may present either certificate). */
async function admin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server.url, ssl: { ca: ca.caPem, checkServerIdentity: () => undefined } });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

async function freshTlsDatabase(): Promise<string> {
  const name = `bf_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return name;
}

function storeUrl(database: string, params: string, user = 'postgres'): string {
  return `postgres://${user}:${PASSWORD}@127.0.0.1:${port}/${database}${params ? `?${params}` : ''}`;
}

function home(url: string): TempHome {
  const h = tempHome({ BLINDFOLD_STORE: url, BLINDFOLD_MASTER_KEY: MASTER });
  homes.push(h);
  return h;
}

/** What a command printed, checked for what must never be in it. */
function output(r: { stdout: string; stderr: string }): string {
  const text = r.stdout + r.stderr;
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(VALUE);
  expect(text).not.toContain('SECURITY WARNING'); // pg's own reading of sslmode, which it must never get
  return text;
}

/** The common name of the certificate the server presents now (it changes after a reload). */
async function servedName(): Promise<string> {
  let name = '';
  const c = new pg.Client({
    connectionString: server.url,
    ssl: { ca: ca.caPem, checkServerIdentity: (_host, cert) => void (name = String(cert.subject.CN)) },
  });
  await c.connect();
  await c.end();
  return name;
}

/** Makes the server present `name`.crt from now on (a reload: connections made after it see it). */
async function present(name: string): Promise<void> {
  await admin(async (c) => {
    await c.query(`ALTER SYSTEM SET ssl_cert_file = '${name}.crt'`);
    await c.query(`ALTER SYSTEM SET ssl_key_file = '${name}.key'`);
    await c.query('SELECT pg_reload_conf()');
  });
  const deadline = Date.now() + 20_000;
  while ((await servedName()) !== name) {
    if (Date.now() > deadline) throw new Error(`the server still does not present ${name}.crt`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  ca = makeTestCa();
  const own = ca.issue('server', ['IP:127.0.0.1']);
  const elsewhere = ca.issue('elsewhere', ['DNS:elsewhere.invalid']);
  client = ca.issue('certified', ['DNS:certified']);
  server = await startPostgres({
    tls: {
      files: { 'server.crt': own.cert, 'server.key': own.key, 'elsewhere.crt': elsewhere.cert, 'elsewhere.key': elsewhere.key, 'ca.crt': ca.caPem },
      hba: [
        'hostssl all certified 127.0.0.1/32 cert',
        'hostssl all all 127.0.0.1/32 trust',
        'hostnossl all either 127.0.0.1/32 trust',
      ],
      settings: { ssl_ca_file: 'ca.crt' },
    },
  });
  port = new URL(server.url).port;
  await admin(async (c) => {
    await c.query('CREATE ROLE either LOGIN SUPERUSER');
    await c.query('CREATE ROLE certified LOGIN SUPERUSER');
  });
});

afterAll(() => {
  for (const h of homes) h.cleanup();
  server?.stop();
  ca?.cleanup();
});

describe('the PostgreSQL store over TLS (sslmode)', () => {
  it('verify-full with sslrootcert: init, set and list through the built CLI', async () => {
    const h = home(storeUrl(await freshTlsDatabase(), `sslmode=verify-full&sslrootcert=${encodeURIComponent(ca.caFile)}`));
    const init = runCli(['init'], { env: h.env });
    output(init);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('sslmode=verify-full');
    const set = runCli(['set', 'TLS_KEY'], { env: h.env, input: VALUE });
    output(set);
    expect(set.code, set.stderr).toBe(0);
    const list = runCli(['list', '--json'], { env: h.env });
    output(list);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('TLS_KEY');
  });

  it("each sslmode gives the store's own connections what libpq would (pg_stat_ssl, with a role that may also connect in plaintext)", async () => {
    const database = await freshTlsDatabase();
    const root = `sslrootcert=${encodeURIComponent(ca.caFile)}`;
    const expected: [string, boolean][] = [
      [`sslmode=verify-full&${root}`, true],
      [`sslmode=verify-ca&${root}`, true],
      ['sslmode=require', true],
      ['sslmode=prefer', true],
      ['', true], // no sslmode: libpq's default, prefer
      ['sslmode=disable', false],
    ];
    const seen: [string, boolean][] = [];
    for (const [params] of expected) {
      const connection = new PostgresConnection(storeUrl(database, params, 'either'));
      try {
        expect(connection.location).not.toContain(PASSWORD);
        const rows = await connection.query<{ ssl: boolean }>('checking', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
        seen.push([params, rows[0]!.ssl]);
      } finally {
        await connection.close();
      }
    }
    expect(seen).toEqual(expected);
  });

  it('prefer (and no sslmode) go on in plaintext with a server that has no TLS; require is refused by it', async () => {
    const shared = new URL(inject('postgresUrl'));
    for (const params of ['sslmode=prefer', '']) {
      shared.search = params;
      const connection = new PostgresConnection(shared.href);
      try {
        const rows = await connection.query<{ ssl: boolean }>('checking', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
        expect(rows[0]!.ssl).toBe(false);
      } finally {
        await connection.close();
      }
    }
    shared.search = 'sslmode=require';
    const connection = new PostgresConnection(shared.href);
    try {
      await expect(connection.query('checking', 'SELECT 1')).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: expect.stringMatching(/refused the TLS connection \(sslmode=require\).*does not support SSL/),
      });
    } finally {
      await connection.close();
    }
  });

  it('require works without a CA (the certificate is not checked); verify-full without sslrootcert refuses the unknown CA', async () => {
    const database = await freshTlsDatabase();
    const h = home(storeUrl(database, 'sslmode=require'));
    expect(runCli(['init'], { env: h.env }).code).toBe(0);
    const list = runCli(['list'], { env: h.env });
    output(list);
    expect(list.code, list.stderr).toBe(0);

    const strict = runCli(['list'], { env: { ...h.env, BLINDFOLD_STORE: storeUrl(database, 'sslmode=verify-full') } });
    const text = output(strict);
    expect(strict.code).toBe(1);
    expect(text).toMatch(/refused the TLS connection \(sslmode=verify-full\).*(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT)/);
    expect(text).toContain('[STORE_UNAVAILABLE]');
  });

  it('verify-full refuses a certificate made out to another host name; verify-ca, which checks only the chain, takes it', async () => {
    const database = await freshTlsDatabase();
    const root = `sslrootcert=${encodeURIComponent(ca.caFile)}`;
    const h = home(storeUrl(database, `sslmode=verify-full&${root}`));
    expect(runCli(['init'], { env: h.env }).code).toBe(0);
    await present('elsewhere');
    try {
      const refused = runCli(['list'], { env: h.env });
      const text = output(refused);
      expect(refused.code).toBe(1);
      expect(text).toMatch(/refused the TLS connection \(sslmode=verify-full\).*127\.0\.0\.1.*ERR_TLS_CERT_ALTNAME_INVALID/);
      expect(text).toContain('[STORE_UNAVAILABLE]');
      const chainOnly = runCli(['list'], { env: { ...h.env, BLINDFOLD_STORE: storeUrl(database, `sslmode=verify-ca&${root}`) } });
      output(chainOnly);
      expect(chainOnly.code, chainOnly.stderr).toBe(0);
    } finally {
      await present('server');
    }
  });

  it('disable is refused by a server whose pg_hba.conf takes only TLS, with its reason', async () => {
    const h = home(storeUrl(await freshTlsDatabase(), 'sslmode=disable'));
    const r = runCli(['init'], { env: h.env });
    const text = output(r);
    expect(r.code).toBe(1);
    expect(text).toMatch(/no pg_hba\.conf entry .*no encryption/);
    expect(text).toContain('[STORE_UNAVAILABLE]');
  });

  it('a client certificate (sslcert, sslkey) signs in where pg_hba.conf asks for one; the key is never printed', async () => {
    const database = await freshTlsDatabase();
    const root = `sslrootcert=${encodeURIComponent(ca.caFile)}`;
    const withCert = `sslmode=verify-full&${root}&sslcert=${encodeURIComponent(client.certFile)}&sslkey=${encodeURIComponent(client.keyFile)}`;
    const h = home(storeUrl(database, withCert, 'certified'));
    const debug = { ...h.env, BLINDFOLD_LOG_LEVEL: 'debug' };
    const keyBody = client.key.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    for (const args of [['init'], ['list', '--json']]) {
      const r = runCli(args, { env: debug });
      const text = output(r);
      expect(r.code, r.stderr).toBe(0);
      expect(text.replace(/\s/g, '')).not.toContain(keyBody.slice(0, 40));
    }
    const without = runCli(['list'], { env: { ...h.env, BLINDFOLD_STORE: storeUrl(database, `sslmode=verify-full&${root}`, 'certified') } });
    expect(output(without)).toMatch(/certificate/);
    expect(without.code).toBe(1);
  });

  it('a bad sslmode or TLS parameter is refused before any connection, exit 2, the URL never repeated with its password', async () => {
    const database = await freshTlsDatabase();
    const cases: [string, RegExp][] = [
      ['sslmode=bogus', /sslmode must be one of disable, prefer, require, verify-ca, verify-full; "bogus" is not/],
      ['sslmode=allow', /allow, plaintext first, is not supported/],
      ['sslmode=verify-ca', /verify-ca needs sslrootcert/],
      ['sslmode=require&sslrootcert=system', /sslrootcert=system .* needs sslmode=verify-full/],
      ['sslmode=verify-full&sslrootcert=/nonexistent/ca.crt', /sslrootcert: cannot read the file "\/nonexistent\/ca.crt" \(ENOENT\)/],
      [`sslmode=require&sslcert=${encodeURIComponent(client.certFile)}`, /sslcert and sslkey go together/],
      ['ssl=true', /parameter ssl is pg's own/],
      ['sslcrl=crl.pem', /parameter sslcrl is not supported/],
    ];
    for (const [params, message] of cases) {
      const r = runCli(['list'], { env: home(storeUrl(database, params)).env });
      const text = output(r);
      expect([params, r.code]).toEqual([params, 2]);
      expect(text).toMatch(message);
      expect(text).toContain('[BAD_INPUT]');
    }
  });
});
