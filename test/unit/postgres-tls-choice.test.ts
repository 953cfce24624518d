// How a PostgreSQL URL's sslmode becomes Node's TLS options (src/store/postgres/tls.ts): libpq's
// meanings, decided before pg sees the URL (which then holds no TLS parameter for pg to reread),
// and a client key that no JSON or log line of the options shows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { tlsChoice } from '../../src/store/postgres/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'blindfold-tls-choice-'));
const ca = join(dir, 'ca.crt');
const cert = join(dir, 'client.crt');
const key = join(dir, 'client.key');
// Not real PEM: the choice only reads the files; what is checked is where their content goes.
const KEY_CONTENT = `key-${randomBytes(16).toString('hex')}`;
const KEY_PASSPHRASE = `kp-${randomBytes(16).toString('hex')}`;
writeFileSync(ca, 'the CA');
writeFileSync(cert, 'the client certificate');
writeFileSync(key, KEY_CONTENT);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = 'postgres://u:pw@db.example:5433/vault?application_name=bf';

it('each sslmode maps to what libpq does: whether TLS, whether the chain, whether the host name is checked', () => {
  const shape = (params: string) => {
    const { mode, ssl, url } = tlsChoice(`${base}&${params}`);
    expect(url).toBe(base); // pg never sees a TLS parameter it would read its own way
    if (ssl === false) return { mode, tls: false };
    return { mode, tls: true, chain: ssl.rejectUnauthorized !== false, hostName: ssl.rejectUnauthorized !== false && ssl.checkServerIdentity === undefined, ca: ssl.ca };
  };
  const root = `sslrootcert=${encodeURIComponent(ca)}`;
  expect(shape('sslmode=disable')).toEqual({ mode: 'disable', tls: false });
  expect(shape('sslmode=prefer')).toEqual({ mode: 'prefer', tls: true, chain: false, hostName: false, ca: undefined });
  expect(shape('sslmode=require')).toEqual({ mode: 'require', tls: true, chain: false, hostName: false, ca: undefined });
  expect(shape(`sslmode=require&${root}`)).toEqual({ mode: 'require', tls: true, chain: true, hostName: false, ca: 'the CA' });
  expect(shape(`sslmode=verify-ca&${root}`)).toEqual({ mode: 'verify-ca', tls: true, chain: true, hostName: false, ca: 'the CA' });
  expect(shape(`sslmode=verify-full&${root}`)).toEqual({ mode: 'verify-full', tls: true, chain: true, hostName: true, ca: 'the CA' });
  expect(shape('sslmode=verify-full&sslrootcert=system')).toEqual({ mode: 'verify-full', tls: true, chain: true, hostName: true, ca: undefined });
  expect(shape('sslmode=verify-full')).toEqual({ mode: 'verify-full', tls: true, chain: true, hostName: true, ca: undefined });
  expect(tlsChoice(base)).toMatchObject({ mode: 'prefer', url: base }); // libpq's default
});

it("the client key (and its passphrase) reach TLS but no serialisation of the options", () => {
  const { ssl } = tlsChoice(`${base}&sslmode=verify-full&sslcert=${encodeURIComponent(cert)}&sslkey=${encodeURIComponent(key)}&sslpassword=${KEY_PASSPHRASE}`);
  if (ssl === false) throw new Error('TLS expected');
  expect(ssl.cert).toBe('the client certificate');
  expect(ssl.key).toEqual([{ pem: KEY_CONTENT, passphrase: KEY_PASSPHRASE }]);
  const shown = JSON.stringify(ssl) + JSON.stringify({ ...ssl });
  expect(shown).not.toContain(KEY_CONTENT);
  expect(shown).not.toContain(KEY_PASSPHRASE);
});
