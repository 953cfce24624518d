// The vault over the in-memory store (fast, in-process): the audited write path, and the stored
// redaction fingerprints of SPEC §7 with a fake fingerprinter (sha256 of the value) — the vault must
// store one beside every value it writes, hand them back without decrypting, bind each to its value,
// and fall back to decrypting wherever a stored one is missing or not its value's own.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { vaultMemoryStore, type VaultStore } from '../../src/vault/store.js';
import { interpretKeyText } from '../../src/vault/keyring.js';
import type { VaultFile } from '../../src/vault/schema.js';
import { Vault, type Fingerprinter, type VaultEvent } from '../../src/vault/vault.js';

const paths = resolvePaths({ home: '/nonexistent/blindfold-memory-vault' }, {});
const V1 = 'tok_alpha_7c1d9e3f5a2b';
const V2 = 'tok_bravo_0e8a6c4f2d1b';
const V3 = 'tok_charlie_5b7d9f1a3c6e';

const sha = (value: string) => createHash('sha256').update(value).digest('hex');

/** sha256 of the value, counting how often it is asked: a call means a value was fingerprinted now. */
function countingFingerprinter(scheme = 'sha256-test'): Fingerprinter & { calls: number } {
  const fp = {
    scheme,
    calls: 0,
    fingerprint: (value: string) => {
      fp.calls++;
      return sha(value);
    },
  };
  return fp;
}

async function openVault(store = vaultMemoryStore(), key = randomBytes(32).toString('base64')) {
  const vault = await Vault.open({ paths, env: { BLINDFOLD_MASTER_KEY: key }, store, create: true });
  const events: VaultEvent[] = [];
  vault.recordChangesWith({
    record: async (e) => void events.push(...e),
    abort: async () => {},
  });
  return { vault, store, key, events };
}

async function storedDocument(store: VaultStore): Promise<VaultFile> {
  return (await store.read()).document!;
}

const sorted = (rows: Iterable<{ name: string; fingerprints: string }>) => [...rows].map((r) => `${r.name}:${r.fingerprints}`).sort();
const expectedFrom = (vault: Vault) => sorted([...vault.everyValue()].map(({ name, value }) => ({ name, fingerprints: sha(value) })));

describe('Vault over the memory store', () => {
  it('sets, resolves, rolls back and removes, recording each change; a refused record writes nothing', async () => {
    const { vault, store, events } = await openVault();
    await vault.set({ name: 'API', value: V1, env: 'production' });
    await vault.set({ name: 'API', value: V2, env: 'production' });
    expect(vault.resolve('API', 'production')).toBe(V2);
    await vault.rollback('API', 1);
    expect(vault.resolve('API', 'production')).toBe(V1);
    expect(events.map((e) => e.action)).toEqual(['secret.create', 'secret.update', 'secret.rollback']);
    expect(JSON.stringify(await storedDocument(store))).not.toContain(V1);

    const revision = (await storedDocument(store)).revision;
    vault.recordChangesWith({
      record: async () => {
        throw new Error('audit log unavailable');
      },
      abort: async () => {},
    });
    await expect(vault.set({ name: 'OTHER', value: V3 })).rejects.toThrow('audit log unavailable');
    expect((await storedDocument(store)).revision).toBe(revision);
    expect(vault.has('OTHER')).toBe(false);
  });

  it('a second vault on the same store sees the write of the first on refresh', async () => {
    const { vault, store, key } = await openVault();
    const { vault: other } = await openVault(store, key);
    await vault.set({ name: 'API', value: V1 });
    // One store, so one document: `other` is told of the change by its revision, on refresh.
    const before = other.revision;
    await other.refresh();
    expect(other.resolve('API', 'development')).toBe(V1);
    expect(other.revision).toBeGreaterThan(before);
  });
});

describe('stored fingerprints', () => {
  it('are stored beside every value written, in every environment and kept version, and handed back without fingerprinting again', async () => {
    const { vault, store } = await openVault();
    const fingerprinter = countingFingerprinter();
    await vault.fingerprintWith(fingerprinter);
    await vault.set({ name: 'API', value: V1, env: 'production' });
    await vault.set({ name: 'API', value: V2, env: 'staging' });
    await vault.set({ name: 'API', value: V3, env: 'production' });
    await vault.setMany([{ name: 'BULK', value: V2 }]);
    await vault.rollback('API', 1);
    const written = fingerprinter.calls;
    expect(written).toBe(4);

    const doc = await storedDocument(store);
    const api = doc.secrets.API!;
    expect(api.values.production!.fp?.sealed).toBeDefined(); // rolled back: the v1 ciphertext moved with its fingerprint
    // Stored sealed: no fingerprint list can be read from the document without the key.
    for (const v of [V1, V2, V3]) expect(JSON.stringify(doc)).not.toContain(sha(v));
    expect(api.history.map((h) => Object.keys(h.values).length)).toEqual([1, 2, 2]);
    for (const values of [api.values, ...api.history.map((h) => h.values)]) {
      for (const value of Object.values(values)) expect(value.fp).toBeDefined();
    }

    const rows = [...vault.everyFingerprint()];
    expect(fingerprinter.calls).toBe(written); // nothing fingerprinted, so nothing decrypted for it
    expect(sorted(rows)).toEqual(expectedFrom(vault));
    expect(rows).toHaveLength(7); // API: current (v1's one value) + kept versions 1 + 2 + 2; BULK: 1
  });

  it('values written without a fingerprinter are decrypted and fingerprinted instead: none is missed', async () => {
    const { vault } = await openVault();
    await vault.set({ name: 'OLD', value: V1 });
    await vault.set({ name: 'OLD', value: V2 });
    const fingerprinter = countingFingerprinter();
    await vault.fingerprintWith(fingerprinter);
    await vault.set({ name: 'NEW', value: V3 });
    expect(fingerprinter.calls).toBe(1);
    expect(sorted(vault.everyFingerprint())).toEqual(expectedFrom(vault));
    expect(fingerprinter.calls).toBe(3); // OLD's two versions, fresh
  });

  it('yields fingerprints one at a time, so the index fed in slices after start decrypts in slices too (B4)', async () => {
    const { vault } = await openVault();
    await vault.setMany([{ name: 'OLD_A', value: V1 }, { name: 'OLD_B', value: V2 }, { name: 'OLD_C', value: V3 }]);
    const fingerprinter = countingFingerprinter();
    await vault.fingerprintWith(fingerprinter);
    const rows = vault.everyFingerprint()[Symbol.iterator]();
    expect(fingerprinter.calls).toBe(0);
    rows.next();
    expect(fingerprinter.calls).toBe(1); // not all three at once: a large vault would block start
    expect(1 + [...{ [Symbol.iterator]: () => rows }].length).toBe(3);
    expect(fingerprinter.calls).toBe(3);
  });

  it('is refused without a fingerprinter rather than returning a partial index', async () => {
    const { vault } = await openVault();
    expect(() => vault.everyFingerprint()).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('a fingerprint moved to another value, or made by another scheme, is not trusted', async () => {
    const { vault, store, key } = await openVault();
    await vault.fingerprintWith(countingFingerprinter());
    await vault.set({ name: 'A', value: V1 });
    await vault.set({ name: 'B', value: V2 });
    // Someone with write access to the store swaps the two fingerprints.
    await store.update((doc) => {
      const a = doc!.secrets.A!.values.default!;
      const b = doc!.secrets.B!.values.default!;
      [a.fp, b.fp] = [b.fp, a.fp];
      return { next: doc!, result: undefined };
    });
    await vault.refresh();
    expect(sorted(vault.everyFingerprint())).toEqual(sorted([{ name: 'A', fingerprints: sha(V1) }, { name: 'B', fingerprints: sha(V2) }]));

    const { vault: reopened } = await openVault(store, key);
    const otherScheme = countingFingerprinter('sha256-test-v2');
    await reopened.fingerprintWith(otherScheme);
    expect(sorted(reopened.everyFingerprint())).toEqual(expectedFrom(reopened));
    expect(otherScheme.calls).toBe(2);
  });
});

describe('the index key', () => {
  it('exists with the vault, is stable across opens, is not the audit key, and appears on first use in an older vault', async () => {
    const { vault, store, key } = await openVault();
    const first = await vault.indexKey();
    expect(first).toHaveLength(32);
    const { vault: again } = await openVault(store, key);
    expect(Buffer.from(await again.indexKey())).toEqual(Buffer.from(first));
    expect(Buffer.from(first)).not.toEqual(Buffer.from(await again.auditKey()));
    const { vault: elsewhere } = await openVault();
    expect(Buffer.from(await elsewhere.indexKey())).not.toEqual(Buffer.from(first));

    // A vault from before internal keys: the key is created (wrapped) on first use, then kept.
    const old = vaultMemoryStore();
    const { key: oldKey } = await openVault(old);
    await old.update((doc) => {
      delete doc!.internal;
      return { next: doc!, result: undefined };
    });
    const { vault: upgraded } = await openVault(old, oldKey);
    const created = await upgraded.indexKey();
    expect((await storedDocument(old)).internal?.audit).toBeDefined();
    const { vault: upgradedAgain } = await openVault(old, oldKey);
    expect(Buffer.from(await upgradedAgain.indexKey())).toEqual(Buffer.from(created));
  });

  it('is re-wrapped by rotate-key, so stored fingerprints stay valid under the new master key', async () => {
    const { vault, store } = await openVault();
    const fingerprinter = countingFingerprinter();
    await vault.fingerprintWith(fingerprinter);
    await vault.set({ name: 'API', value: V1 });
    const indexKey = Buffer.from(await vault.indexKey());
    const newKey = randomBytes(32).toString('base64');
    await vault.rotateKey(interpretKeyText(newKey, 'env', 'the test'));
    const doc = await storedDocument(store);
    expect(doc.internal?.audit?.kid).toBe(2); // what the index key comes from moved to the new key

    const { vault: rotated } = await openVault(store, newKey);
    expect(Buffer.from(await rotated.indexKey())).toEqual(indexKey);
    const afterRotation = countingFingerprinter();
    await rotated.fingerprintWith(afterRotation);
    expect(sorted(rotated.everyFingerprint())).toEqual([`API:${sha(V1)}`]);
    expect(afterRotation.calls).toBe(0);
  });
});
