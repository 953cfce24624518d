// The vault over the PostgreSQL store (issue 22), on the run's real server: two vaults on one
// database, as two team servers, see each other's writes; the database holds ciphertext only (no
// plaintext, nor its base64 or hex, in any row of any table); a record damaged in the database is
// refused (VAULT_CORRUPT), as a damaged journal line of the file is; with the home's state on
// PostgreSQL, a suspension set on one instance holds on the other, and each change's audit entry
// lands with it (the chain verifies against the store's revision).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { z } from 'zod';
import { recordVaultChanges } from '../../src/audit/vault-changes.js';
import { initSchema, postgresHomeState } from '../../src/store/postgres/index.js';
import { vaultPostgresStore, type VaultStore } from '../../src/vault/store.js';
import { Vault } from '../../src/vault/vault.js';
import { freshDatabase } from '../helpers/postgres-db.js';

const paths = resolvePaths({ home: '/nonexistent/blindfold-postgres-vault' }, {});
const V1 = 'tok_pg_alpha_7c1d9e3f5a2b8e';
const V2 = 'tok_pg_bravo_0e8a6c4f2d1b9a';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function store(url: string): VaultStore {
  const s = vaultPostgresStore(url, { poolSize: 2 });
  cleanups.push(() => s.close());
  return s;
}

async function openVault(s: VaultStore, key: string): Promise<Vault> {
  const vault = await Vault.open({ paths, env: { BLINDFOLD_MASTER_KEY: key }, store: s, create: true });
  vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
  return vault;
}

async function everyRow(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE tablename LIKE 'blindfold_%'`)).rows.map((r) => r.t);
    const dumps: string[] = [];
    for (const t of tables) dumps.push(JSON.stringify((await client.query(`SELECT * FROM ${t}`)).rows));
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}

describe('the vault over PostgreSQL', () => {
  it('two vaults on one database see each other\'s writes, and the database holds no plaintext', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const key = randomBytes(32).toString('base64');
    const one = await openVault(store(url), key);
    const two = await openVault(store(url), key);
    await one.set({ name: 'API', value: V1, env: 'production' });
    await two.refresh();
    expect(two.resolve('API', 'production')).toBe(V1);
    await two.set({ name: 'API', value: V2, env: 'production' });
    await one.refresh();
    expect(one.resolve('API', 'production')).toBe(V2);

    const rows = await everyRow(url);
    expect(rows).toContain('API');
    for (const value of [V1, V2]) {
      for (const shape of [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')]) expect(rows).not.toContain(shape);
    }
    expect(rows).not.toContain(key);
  });

  it('a record damaged in the database is refused, and left as it is', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const key = randomBytes(32).toString('base64');
    const vault = await openVault(store(url), key);
    await vault.set({ name: 'API', value: V1 });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const damaged = `SELECT record::text AS r FROM blindfold_records WHERE collection = 'secrets' AND key = 'API'`;
    try {
      await client.query(`UPDATE blindfold_records SET record = '{"not":"a secret record"}' WHERE collection = 'secrets' AND key = 'API'`);
      await expect(openVault(store(url), key)).rejects.toMatchObject({ code: 'VAULT_CORRUPT' });
      expect((await client.query(damaged)).rows).toEqual([{ r: '{"not":"a secret record"}' }]);
    } finally {
      await client.end();
    }
  });
});

describe('the home\'s state on PostgreSQL', () => {
  it('a cell written on one instance is read on the other, and each vault change lands with its audit entry', async () => {
    const url = await freshDatabase();
    await initSchema(url);
    const key = randomBytes(32).toString('base64');
    const [storeOne, storeTwo] = [store(url), store(url)];
    const [homeOne, homeTwo] = [postgresHomeState(url, storeOne), postgresHomeState(url, storeTwo)];
    cleanups.push(() => homeOne.close(), () => homeTwo.close());
    const vault = await Vault.open({ paths, env: { BLINDFOLD_MASTER_KEY: key }, store: storeOne, state: homeOne, create: true });
    const trail = homeOne.audit({ key: await vault.auditKey(), vaultId: vault.vaultId });
    expect(() => trail.query()).toThrow(expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' })); // never "no entries" for rows not read
    await trail.refresh();
    recordVaultChanges(vault, trail, () => 'cli:test');
    await vault.set({ name: 'API', value: V1 });
    await vault.set({ name: 'API', value: V2 });

    const list = z.array(z.string());
    await homeOne.cell('suspensions', list, () => [], 'the suspension list').update((current) => ({ next: [...current, 'http:agent-7'], result: undefined }));
    await storeTwo.read(); // what a request's refresh does on the other instance
    expect(homeTwo.cell('suspensions', list, () => [], 'the suspension list').read()).toEqual(['http:agent-7']);

    const revision = (await storeOne.read()).document!.revision;
    expect(await trail.verifyStored(revision)).toMatchObject({ ok: true, entries: 2 });
    const reader = homeTwo.auditReader();
    await reader.refresh();
    expect(reader.query({ secret: 'API' }).map((e) => e.action)).toEqual(['secret.create', 'secret.update']);
  });
});
