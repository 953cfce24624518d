import { describe, expect, it, beforeAll } from 'vitest';
import { Kek, deriveFromPassphrase, newArgon2Params, randomKey, sodium, fromBase64, toBase64 } from '../../src/vault/crypto.js';
import { interpretKeyText, masterKeyFor } from '../../src/vault/keyring.js';
import { BlindfoldError } from '../../src/errors.js';

beforeAll(async () => {
  await sodium();
});

const bind = { vaultId: 'vault-1234', name: 'API_KEY', env: 'production' };

describe('envelope encryption', () => {
  it('round-trips a value and never stores it in the record', () => {
    const kek = new Kek(randomKey(), 1);
    const value = 'sk-live-ünïcødé-"quoted"\\n-0123456789';
    const rec = kek.encrypt({ ...bind, version: 3 }, value);
    expect(rec).toMatchObject({ v: 3, kid: 1 });
    expect(JSON.stringify(rec)).not.toContain(value);
    expect(kek.decrypt(bind, rec)).toBe(value);
  });

  it('uses a fresh data key and nonce per value', () => {
    const kek = new Kek(randomKey(), 1);
    const a = kek.encrypt({ ...bind, version: 1 }, 'same-value-12345');
    const b = kek.encrypt({ ...bind, version: 1 }, 'same-value-12345');
    expect(a.ct).not.toBe(b.ct);
    expect(a.wk).not.toBe(b.wk);
  });

  it.each([
    ['another vault', { vaultId: 'vault-other' }],
    ['another name', { name: 'OTHER_KEY' }],
    ['another environment', { env: 'staging' }],
  ])('fails authentication when moved to %s', (_label, change) => {
    const kek = new Kek(randomKey(), 1);
    const rec = kek.encrypt({ ...bind, version: 1 }, 'value-0123456789');
    expect(() => kek.decrypt({ ...bind, ...change }, rec)).toThrowError(/failed authentication/);
  });

  it('fails authentication when the version is changed', () => {
    const kek = new Kek(randomKey(), 1);
    const rec = kek.encrypt({ ...bind, version: 1 }, 'value-0123456789');
    expect(() => kek.decrypt(bind, { ...rec, v: 2 })).toThrowError(BlindfoldError);
  });

  it('fails on any flipped byte of nonce, ciphertext, tag or wrapped key', () => {
    const kek = new Kek(randomKey(), 1);
    const rec = kek.encrypt({ ...bind, version: 1 }, 'value-0123456789');
    for (const field of ['ct', 'wk'] as const) {
      const bytes = fromBase64(rec[field]);
      for (let i = 0; i < bytes.length; i++) {
        const copy = new Uint8Array(bytes);
        copy[i] = copy[i]! ^ 0x80;
        expect(() => kek.decrypt(bind, { ...rec, [field]: toBase64(copy) })).toThrowError(/failed authentication/);
      }
    }
  });

  it('a different master key or key id cannot decrypt', () => {
    const rec = new Kek(randomKey(), 1).encrypt({ ...bind, version: 1 }, 'value-0123456789');
    expect(() => new Kek(randomKey(), 1).decrypt(bind, rec)).toThrowError(/failed authentication/);
    expect(() => new Kek(randomKey(), 2).decrypt(bind, rec)).toThrowError(BlindfoldError);
  });

  it('re-wraps the data key without touching the value ciphertext', () => {
    const oldKek = new Kek(randomKey(), 1);
    const newKek = new Kek(randomKey(), 2);
    const rec = oldKek.encrypt({ ...bind, version: 1 }, 'value-0123456789');
    const moved = newKek.rewrap(bind, rec, oldKek);
    expect(moved.ct).toBe(rec.ct);
    expect(moved.kid).toBe(2);
    expect(newKek.decrypt(bind, moved)).toBe('value-0123456789');
    expect(() => oldKek.decrypt(bind, moved)).toThrowError(BlindfoldError);
  });
});

describe('key check', () => {
  it('accepts the right key and refuses a wrong one or another vault', () => {
    const master = randomKey();
    const check = new Kek(master, 1).createKeyCheck('vault-a');
    expect(new Kek(master, 1).verifyKeyCheck('vault-a', check)).toBe(true);
    expect(new Kek(randomKey(), 1).verifyKeyCheck('vault-a', check)).toBe(false);
    expect(new Kek(master, 1).verifyKeyCheck('vault-b', check)).toBe(false);
  });
});

describe('master key material', () => {
  it('reads base64 of 32 bytes as a raw key', () => {
    const key = randomKey();
    const m = interpretKeyText(`${toBase64(key)}\n`, 'env', 'BLINDFOLD_MASTER_KEY');
    expect(m.raw && Buffer.from(m.raw).equals(Buffer.from(key))).toBe(true);
    expect(masterKeyFor(m, { type: 'raw' })).toEqual(m.raw);
  });

  it('treats anything else as a passphrase stretched by Argon2id with the stored salt', () => {
    const m = interpretKeyText('correct horse battery staple', 'env', 'BLINDFOLD_MASTER_KEY');
    expect(m.raw).toBeUndefined();
    const params = newArgon2Params();
    const a = masterKeyFor(m, params);
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(deriveFromPassphrase('correct horse battery staple', params)))).toBe(true);
    expect(Buffer.from(masterKeyFor(m, newArgon2Params())).equals(Buffer.from(a))).toBe(false);
    expect(() => masterKeyFor(m, { type: 'raw' })).toThrowError(/passphrase/);
  });

  it('refuses empty and too-short keys without echoing them', () => {
    expect(() => interpretKeyText('   ', 'env', 'X')).toThrowError(/empty/);
    try {
      interpretKeyText('short-k', 'env', 'X');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('short-k');
    }
  });
});
