// Vault.rename at the vault level (issue 20 item 4), over the in-memory store with a fake
// fingerprinter: values are re-sealed under the new name (a ciphertext shared by several versions
// stays shared, so later history trimming retires it once), the old name's tombstones join the
// new name's, the index walk yields every fingerprint under the new name after a reopen, and a
// taken name is refused inside the write, with nothing written.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { vaultMemoryStore, type VaultStore } from '../../src/vault/store.js';
import { Vault, type VaultEvent } from '../../src/vault/vault.js';

const paths = resolvePaths({ home: '/nonexistent/blindfold-rename' }, {});
const A = 'sk_live_Ren4meA1Qw8Er5Ty2Ui7Op';
const B = 'sk_live_Ren4meB2Zx9Cv6Bn3Mm0Lk';
const GONE = 'sk_live_Ren4meG3Hj7Kl4Po1Iu8Yt';
const EARLIER = 'sk_live_Ren4meE4Rf5Tg6Yh7Uj8Ik';
const sha = (value: string) => createHash('sha256').update(value).digest('hex');

async function openVault(store = vaultMemoryStore(), key = randomBytes(32).toString('base64')) {
  const vault = await Vault.open({ paths, env: { BLINDFOLD_MASTER_KEY: key }, store, create: true });
  const events: VaultEvent[] = [];
  vault.recordChangesWith({ record: async (e) => void events.push(...e), abort: async () => {} });
  await vault.fingerprintWith({ scheme: 'sha256-test', fingerprint: sha });
  return { vault, store, key, events };
}
const doc = async (store: VaultStore) => (await store.read()).document!;
const indexed = (vault: Vault) => [...vault.everyFingerprint()].map((r) => `${r.name}:${r.fingerprints}`).sort();

describe('Vault.rename', () => {
  it('re-seals every value under the new name, keeps shared ciphertexts shared, and moves tombstones', async () => {
    const { vault, store, key, events } = await openVault();
    await vault.set({ name: 'NEW', value: EARLIER }); // a name removed earlier keeps its own tombstones
    await vault.remove('NEW');
    await vault.set({ name: 'OLD', value: GONE });
    await vault.remove('OLD');
    await vault.set({ name: 'OLD', value: A, description: 'kept', hosts: ['api.example.com'] });
    await vault.set({ name: 'OLD', value: B, env: 'production' });
    const before = (await doc(store)).secrets.OLD!;
    events.length = 0;

    await vault.rename('OLD', 'NEW');

    const file = await doc(store);
    expect(file.secrets.OLD).toBeUndefined();
    expect(file.retired?.OLD).toBeUndefined();
    const after = file.secrets.NEW!;
    expect({ ...after, name: 'OLD', values: before.values, history: before.history }).toEqual(before);
    expect(after.history.map((h) => [h.version, h.updatedAt])).toEqual(before.history.map((h) => [h.version, h.updatedAt]));
    // The default value is one ciphertext in v1 and v2, before and after.
    expect(before.history[0]!.values.default!.ct).toBe(before.values.default!.ct);
    expect(after.history[0]!.values.default!.ct).toBe(after.values.default!.ct);
    expect(after.values.default!.ct).not.toBe(before.values.default!.ct);
    expect(file.retired?.NEW).toHaveLength(2);
    expect(events).toEqual([expect.objectContaining({ action: 'secret.rename', names: ['OLD', 'NEW'] })]);

    const { vault: reopened } = await openVault(store, key);
    expect(reopened.resolve('NEW', 'development')).toBe(A);
    expect(reopened.resolve('NEW', 'production')).toBe(B);
    expect(reopened.verifyAll()).toBe(3);
    expect(indexed(reopened)).toEqual([A, A, B, GONE, EARLIER].map((v) => `NEW:${sha(v)}`).sort());
  });

  it('refuses a taken name, a missing one and a bad one inside the write, writing nothing', async () => {
    const { vault, store } = await openVault();
    await vault.set({ name: 'ONE', value: A });
    await vault.set({ name: 'TWO', value: B });
    const revision = (await doc(store)).revision;
    await expect(vault.rename('ONE', 'TWO')).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    await expect(vault.rename('NONE', 'THREE')).rejects.toMatchObject({ code: 'SECRET_NOT_FOUND' });
    await expect(vault.rename('ONE', 'not-a-name')).rejects.toMatchObject({ code: 'BAD_NAME' });
    await expect(vault.rename('ONE', 'ONE')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect((await doc(store)).revision).toBe(revision);
  });
});
