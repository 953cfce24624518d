// A value read backwards (SQL REVERSE, strrev, [::-1]) is redacted like the value: each value is
// also fingerprinted reversed when it is indexed (src/redact/fingerprints.ts reversedForm), so the
// scan decodes nothing for it. The reversed windows are mirrors of the value's indexed windows, so
// a public part (a vendor prefix) stays public backwards; stored fingerprints and tombstones carry
// them (the fingerprint scheme moved on, so older stored ones are redone from the value). Hits of
// the reversed windows say so: the input tripwire keeps to the value's own windows (src/policy/answer-judge.ts).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { Redactor, replacementFor, windowFingerprints } from '../../src/redact/redactor.js';
import { fingerprintVaultWrites } from '../../src/redact/vault-index.js';
import { vaultMemoryStore } from '../../src/vault/store.js';
import { Vault } from '../../src/vault/vault.js';

const key = new Uint8Array(32).fill(9);
const PREFIXED = 'sk-live-Zq9Lm4Np7Qx2Rt5Yu8Io';
const backwards = (v: string) => [...v].reverse().join('');

describe('values read backwards', () => {
  it('the whole value backwards is redacted, as an echo of the value (whole)', () => {
    const r = new Redactor({ key });
    r.add({ name: 'S', value: PREFIXED });
    const shown = r.redact(`got ${backwards(PREFIXED)} back`).text;
    expect(shown).toContain(replacementFor('S'));
    expect(shown).not.toContain(backwards(PREFIXED).slice(0, 12));
    expect(r.inspect(backwards(PREFIXED.slice(8))).hits.some((h) => h.whole)).toBe(true);
  });

  it('a window of the value backwards is found; the vendor prefix backwards is not secret material', () => {
    const r = new Redactor({ key });
    r.add({ name: 'S', value: PREFIXED });
    expect(r.inspect(`x ${backwards(PREFIXED.slice(10, 22))} y`).hits.length).toBeGreaterThan(0);
    // Mirrors of indexed windows only: the prefix with a few characters after it, backwards, is not one.
    expect(r.inspect(`x ${backwards(PREFIXED.slice(0, 12))} y`).hits).toHaveLength(0);
  });

  it('outside the BMP: a value with astral characters backwards (by code point) is found', () => {
    const value = 'pw-😀-Zq9Lm4Np7Qx2-😀-Rt5Yu8Io';
    const r = new Redactor({ key });
    r.add({ name: 'S', value });
    expect(r.redact(backwards(value)).text).not.toContain('Qx2pN');
  });

  it('hits of the value read backwards are marked as such; hits of the value as written are not', () => {
    const r = new Redactor({ key });
    r.add({ name: 'S', value: PREFIXED });
    const back = r.inspect(`q=${backwards(PREFIXED.slice(8, 24))}`).hits;
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((h) => h.backwards === true)).toBe(true);
    const plain = r.inspect(`q=${PREFIXED.slice(8, 24)}`).hits;
    expect(plain.length).toBeGreaterThan(0);
    expect(plain.some((h) => h.backwards)).toBe(false);
  });

  it('stored fingerprints hold the reversed windows: addFingerprints finds what add finds', () => {
    const byPrint = new Redactor({ key });
    byPrint.addFingerprints('S', windowFingerprints(key, PREFIXED));
    expect(byPrint.redact(backwards(PREFIXED)).text).toContain(replacementFor('S'));
  });

  it('a retired value whose stored fingerprints predate the scheme leaves a tombstone that finds it backwards', async () => {
    const paths = resolvePaths({ home: '/nonexistent/blindfold-reversed' }, {});
    const vault = await Vault.open({ paths, env: { BLINDFOLD_MASTER_KEY: randomBytes(32).toString('base64') }, store: vaultMemoryStore(), create: true });
    vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
    // An older format: its stored list lacks windows the current one has (here, all of them but one value's).
    await vault.fingerprintWith({ scheme: 'older-format', fingerprint: () => windowFingerprints(randomBytes(32), 'unrelated-0123456789') });
    await vault.set({ name: 'API', value: PREFIXED });
    const indexKey = await fingerprintVaultWrites(vault);
    await vault.remove('API');
    const r = new Redactor({ key: indexKey });
    for (const f of vault.everyFingerprint()) r.addFingerprints(f.name, f.fingerprints);
    expect(r.redact(`echo ${backwards(PREFIXED)}`).text).toContain(replacementFor('API'));
  });
});
