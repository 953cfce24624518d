// The redaction index is fed after start in slices (B4), but only while the vault has no write or
// refresh in flight (B7): a slice run between their round trips delayed each answer by a slice, and
// a write holds the vault's row lock meanwhile (every instance's writers wait on it) — `set` right
// after opening 100,000 secrets on PostgreSQL took 70 ms, about 10 ms of it its own. The index
// catches up once they are done, without being asked. Held here with real locks taken from another
// connection on the run's PostgreSQL server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { fingerprintVaultWrites, VaultIndex } from '../../src/redact/vault-index.js';
import { initSchema } from '../../src/store/postgres/index.js';
import { vaultPostgresStore } from '../../src/vault/store.js';
import { Vault } from '../../src/vault/vault.js';
import { freshDatabase } from '../helpers/postgres-db.js';

const paths = resolvePaths({ home: '/nonexistent/blindfold-index-in-flight' }, {});
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};
const token = () => `tok_${randomBytes(12).toString('hex')}`;

const holds = [
  // A writer of another instance holds the vault's row: this vault's write waits in flight.
  { operation: 'a write', lock: 'SELECT revision FROM blindfold_vault FOR UPDATE', start: (vault: Vault) => vault.set({ name: 'HELD_KEY', value: token(), hosts: ['api.example.com'] }) },
  // Nothing may read the vault's row: this vault's refresh waits in flight.
  { operation: 'a refresh', lock: 'LOCK TABLE blindfold_vault IN ACCESS EXCLUSIVE MODE', start: (vault: Vault) => vault.refresh() },
];

it.each(holds)('feeds nothing while $operation is in flight, then the whole vault once it is done, without complete()', async ({ lock, start }) => {
  const url = await freshDatabase();
  await initSchema(url);
  const vault = await Vault.open({ paths, env: { BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') }, store: vaultPostgresStore(url, { poolSize: 2 }), create: true });
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  let index: VaultIndex | undefined;
  try {
    vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
    await fingerprintVaultWrites(vault);
    const stored = token();
    await vault.setMany(Array.from({ length: 20 }, (_, i) => ({ name: `KEY_${i}`, value: i === 7 ? stored : token(), hosts: ['api.example.com'] })));
    await other.query('BEGIN');
    await other.query(lock);
    const inFlight = start(vault);
    index = new VaultIndex(vault);
    await turns(100);
    expect(index.current, 'the index key was read and the redactor made').toBeDefined();
    expect(index.current!.patternCount).toBe(0);
    await other.query('COMMIT');
    await inFlight;
    const redacted = () => !index!.current!.redact(`x ${stored} y`).text.includes(stored);
    for (let i = 0; i < 1_000 && !redacted(); i++) await turns(1);
    expect(redacted()).toBe(true);
  } finally {
    index?.close();
    await other.query('ROLLBACK').catch(() => {});
    await other.end();
    await vault.close();
  }
});
