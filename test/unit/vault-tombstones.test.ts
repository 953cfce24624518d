// Tombstones (issue 18 item 9) at the vault level, over the in-memory store with a fake
// fingerprinter (sha256 of the value): a value leaving the vault leaves its fingerprints behind,
// sealed and bound to its name, never with its ciphertext; the index walk yields them after a
// restart and after rotate-key; a vault that cannot fingerprint refuses to let a value go; and
// only forgetFingerprints drops them, as its own recorded change.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { vaultMemoryStore, type VaultStore } from '../../src/vault/store.js';
import { interpretKeyText } from '../../src/vault/keyring.js';
import { HISTORY_LIMIT, type VaultFile } from '../../src/vault/schema.js';
import { Vault, type VaultEvent } from '../../src/vault/vault.js';

const paths = resolvePaths({ home: '/nonexistent/blindfold-tombstones' }, {});
const OLD = 'tok_retired_9Xq2Lm7Rt4Vb';
const NEW = 'tok_current_3Hd8Wn1Ks6Pz';
const sha = (value: string) => createHash('sha256').update(value).digest('hex');
const fingerprinter = { scheme: 'sha256-test', fingerprint: sha };

async function openVault(store = vaultMemoryStore(), key = randomBytes(32).toString('base64'), withFingerprints = true) {
  const vault = await Vault.open({ paths, env: { BLINDFOLD_MASTER_KEY: key }, store, create: true });
  const events: VaultEvent[] = [];
  vault.recordChangesWith({ record: async (e) => void events.push(...e), abort: async () => {} });
  if (withFingerprints) await vault.fingerprintWith(fingerprinter);
  return { vault, store, key, events };
}
const doc = async (store: VaultStore) => (await store.read()).document!;
const indexed = (vault: Vault) => [...vault.everyFingerprint()].map((r) => `${r.name}:${r.fingerprints}`).sort();

describe('tombstones', () => {
  it('rm leaves sealed fingerprints, never the ciphertext; a reopened vault still yields them', async () => {
    const { vault, store, key } = await openVault();
    await vault.set({ name: 'API', value: OLD, env: 'production' });
    await vault.remove('API');
    const file = await doc(store);
    expect(file.secrets.API).toBeUndefined();
    const [tomb] = file.retired!.API!;
    expect(Object.keys(tomb!).sort()).toEqual(['env', 'retiredAt', 'scheme', 'sealed', 'v']);
    expect(JSON.stringify(file)).not.toContain(sha(OLD));
    const { vault: reopened } = await openVault(store, key);
    expect(indexed(reopened)).toEqual([`API:${sha(OLD)}`]);
    expect(reopened.retiredCount('API')).toBe(1);
  });

  it('a tombstone moved to another name, or edited, does not open (and is not indexed under that name)', async () => {
    const { vault, store, key } = await openVault();
    await vault.set({ name: 'API', value: OLD });
    await vault.remove('API');
    const file = await doc(store);
    const moved = file.retired!.API!;
    await store.update((draft) => {
      draft!.retired = Object.assign(draft!.retired ?? {}, { OTHER: moved, API: [{ ...moved[0]!, v: 2 }] });
      return { next: draft!, result: undefined };
    });
    const { vault: reopened } = await openVault(store, key);
    expect(indexed(reopened)).toEqual([]);
  });

  it('a value rotated out of the kept history becomes a tombstone once, when no kept version holds it any more', async () => {
    const { vault } = await openVault();
    const STAGE = 'tok_staging_4Fj7Qs2Xv8Nc';
    await vault.set({ name: 'API', value: OLD }); // v1
    await vault.set({ name: 'API', value: STAGE, env: 'staging' }); // v2 still holds OLD as its default
    for (let i = 0; i < HISTORY_LIMIT; i++) await vault.set({ name: 'API', value: `${NEW}_${i}` }); // v3..v12: v1 leaves
    expect(vault.retiredCount('API')).toBe(0);
    await vault.set({ name: 'API', value: `${NEW}_last` }); // v13: v2 leaves, and OLD with it; STAGE is still current
    expect(vault.retiredCount('API')).toBe(1);
    expect(indexed(vault).filter((r) => r === `API:${sha(OLD)}`)).toHaveLength(1);
  });

  it('a vault without a fingerprinter refuses to let a value go, and writes nothing', async () => {
    const { vault, store, key } = await openVault();
    await vault.set({ name: 'API', value: OLD });
    const { vault: blind } = await openVault(store, key, false);
    const before = (await doc(store)).revision;
    await expect(blind.remove('API')).rejects.toMatchObject({ code: 'INTERNAL' });
    expect((await doc(store)).revision).toBe(before);
    expect((await doc(store)).secrets.API).toBeDefined();
  });

  it('rotate-key leaves tombstones readable (the index key does not change)', async () => {
    const { vault, store } = await openVault();
    await vault.set({ name: 'API', value: OLD });
    await vault.remove('API');
    const newKey = randomBytes(32).toString('base64');
    await vault.rotateKey(interpretKeyText(newKey, 'env', 'the test'));
    const { vault: rotated } = await openVault(store, newKey);
    expect(indexed(rotated)).toEqual([`API:${sha(OLD)}`]);
  });

  it('a name created again keeps its tombstones; forgetFingerprints drops them all, recorded as its own change', async () => {
    const { vault, store, events } = await openVault();
    await vault.set({ name: 'API', value: OLD });
    await vault.remove('API');
    await vault.set({ name: 'API', value: NEW });
    expect(indexed(vault)).toEqual([`API:${sha(NEW)}`, `API:${sha(OLD)}`].sort());
    await vault.remove('API', { forgetFingerprints: true });
    expect(indexed(vault)).toEqual([]);
    expect((await doc(store)).retired).toEqual({});
    expect(events.slice(-2)).toEqual([
      { action: 'secret.delete', names: ['API'] },
      { action: 'secret.forget', names: ['API'], reason: 'fingerprints forgotten: 1 retired value(s) no longer redacted, and the current ones with them' },
    ]);
    await expect(vault.remove('API', { forgetFingerprints: true })).rejects.toMatchObject({ code: 'SECRET_NOT_FOUND' });
  });
});
