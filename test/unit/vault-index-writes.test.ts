// The redaction index is fed after start in slices (B4), but not while a write of the vault is in
// flight (B7): the write holds the store's lock (on PostgreSQL, every instance's writers wait on
// it), and a slice run between its round trips held that lock a slice longer each time — `set`
// right after opening 100,000 secrets took 70 ms, 10 ms of it its own. The index catches up once
// the writes settle, without being asked.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { fingerprintVaultWrites, VaultIndex } from '../../src/redact/vault-index.js';
import { vaultMemoryStore } from '../../src/vault/store.js';
import { Vault } from '../../src/vault/vault.js';

const paths = resolvePaths({ home: '/nonexistent/blindfold-index-writes' }, {});
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};
const token = () => `tok_${randomBytes(12).toString('hex')}`;

it('feeds nothing while a write is in flight, then the whole vault once it settled, without complete()', async () => {
  const vault = await Vault.open({ paths, env: { BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') }, store: vaultMemoryStore(), create: true });
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let hold = false;
  // The audit entry is written inside the store's write: holding it holds the write in flight.
  vault.recordChangesWith({ record: async () => void (hold && (await held)), abort: async () => {} });
  await fingerprintVaultWrites(vault);
  const stored = token();
  for (let i = 0; i < 20; i++) await vault.set({ name: `KEY_${i}`, value: i === 7 ? stored : token(), hosts: ['api.example.com'] });
  hold = true;
  const writing = vault.set({ name: 'HELD_KEY', value: token(), hosts: ['api.example.com'] });
  const index = new VaultIndex(vault);
  try {
    await turns(100);
    expect(index.current, 'the index key was read and the redactor made').toBeDefined();
    expect(index.current!.patternCount).toBe(0);
    release();
    await writing;
    for (let i = 0; i < 1_000 && index.current!.redact(stored).text.includes(stored); i++) await turns(1);
    expect(index.current!.redact(`x ${stored} y`).text.includes(stored)).toBe(false);
  } finally {
    release();
    index.close();
    await vault.close();
  }
});
