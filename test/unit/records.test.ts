// The pure record functions (src/vault/records.ts, versions.ts): validating a change, applying it to a vault
// document, rollback and the value-free views — with no I/O and no cryptography: the sealer here
// "encrypts" by tagging the value with its binding, so every stored field can be checked.
import { describe, expect, it } from 'vitest';
import { notFound } from '../../src/vault/names.js';
import { applySet, prepareSet, toInfo, type ValueSealer } from '../../src/vault/records.js';
import { applyRollback, historyOf } from '../../src/vault/versions.js';
import { HISTORY_LIMIT, type VaultFile } from '../../src/vault/schema.js';

const NOW = '2030-01-01T00:00:00.000Z';
const LATER = '2030-01-02T00:00:00.000Z';

/** Stores `name/env/version:value` as the ciphertext, so a test can see what was sealed and where. */
const retired: string[] = [];
const sealer: ValueSealer = {
  seal: (_file, name, env, version, value) => ({ v: version, kid: 1, wk: 'wk', ct: `${name}/${env}/${version}:${value}` }),
  equals: (_file, _name, _env, stored, value) => stored.ct.endsWith(`:${value}`),
  // What would become tombstones (vault/plaintext.ts): the ciphertexts leaving the record.
  retire: (_file, _record, leaving) => void retired.push(...leaving.map(([, v]) => v.ct)),
};

function emptyFile(): VaultFile {
  return { format: 1, vaultId: 'vault-0001', revision: 0, kdf: { type: 'raw' }, keyCheck: { kid: 1, box: 'x' }, rotation: null, secrets: {} };
}

const VALUE_1 = 'tok_first_5f1e9a7c2b';
const VALUE_2 = 'tok_second_8d3b6e0f4a';

function set(file: VaultFile, input: Parameters<typeof prepareSet>[0], now = NOW) {
  return applySet(file, prepareSet(input), sealer, now);
}

describe('prepareSet', () => {
  it('normalises hosts, placements and inject before anything is written', () => {
    const change = prepareSet({ name: 'GH', value: VALUE_1, hosts: ['API.github.com', 'api.github.com'], placements: ['query', 'header'] });
    expect(change.env).toBe('default');
    expect(change.hosts).toEqual(['https://api.github.com:443']);
    expect(new Set(change.placements)).toEqual(new Set(['header', 'query']));
  });

  it('refuses a bad name, a bad environment and a short value without echoing the value', () => {
    expect(() => prepareSet({ name: '1bad', value: VALUE_1 })).toThrow(expect.objectContaining({ code: 'BAD_NAME' }));
    expect(() => prepareSet({ name: 'OK', env: 'Prod!', value: VALUE_1 })).toThrow(expect.objectContaining({ code: 'BAD_ENVIRONMENT' }));
    let err: unknown;
    try {
      prepareSet({ name: 'OK', value: 'short1' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'VALUE_TOO_SHORT' });
    expect(String((err as Error).message)).not.toContain('short1');
  });
});

describe('applySet', () => {
  it('creates a record at version 1 with the sealed value bound to its name, environment and version', () => {
    const file = emptyFile();
    const outcome = set(file, { name: 'API', env: 'production', value: VALUE_1, description: 'the api' });
    expect(outcome).toMatchObject({ created: true, changed: true, info: { name: 'API', version: 1, environments: ['production'], description: 'the api' } });
    expect(file.secrets.API!.values.production).toEqual({ v: 1, kid: 1, wk: 'wk', ct: `API/production/1:${VALUE_1}` });
    expect(file.secrets.API!.policy).toEqual({ hosts: [], placements: ['header'], inject: 'header:Authorization:Bearer {value}' });
    expect(file.secrets.API!.createdAt).toBe(NOW);
  });

  it('a new value bumps the version and keeps the old one in history; the same value again changes nothing', () => {
    const file = emptyFile();
    set(file, { name: 'API', value: VALUE_1 });
    const second = set(file, { name: 'API', value: VALUE_2 }, LATER);
    expect(second).toMatchObject({ created: false, changed: true, info: { version: 2, updatedAt: LATER } });
    expect(file.secrets.API!.history).toEqual([{ version: 1, updatedAt: NOW, values: { default: expect.objectContaining({ ct: `API/default/1:${VALUE_1}` }) } }]);
    const before = JSON.stringify(file);
    const again = set(file, { name: 'API', value: VALUE_2 }, '2031-01-01T00:00:00.000Z');
    expect(again.changed).toBe(false);
    expect(JSON.stringify(file)).toBe(before);
  });

  it('keeps at most HISTORY_LIMIT earlier versions, and retires each value that leaves, once', () => {
    const file = emptyFile();
    retired.length = 0;
    set(file, { name: 'API', value: VALUE_1, env: 'staging' });
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) set(file, { name: 'API', value: `${VALUE_1}_${i}` });
    const record = file.secrets.API!;
    expect(record.version).toBe(HISTORY_LIMIT + 6);
    expect(record.history).toHaveLength(HISTORY_LIMIT);
    expect(record.history[0]!.version).toBe(6);
    // Versions 1 to 5 left; the staging value, unchanged since version 1, is still kept by every later one.
    expect(retired).toEqual([0, 1, 2, 3].map((i) => `API/default/${i + 2}:${VALUE_1}_${i}`));
  });

  it('changes policy alone without a new version, and refuses to create a secret without a value', () => {
    const file = emptyFile();
    set(file, { name: 'API', value: VALUE_1 });
    const outcome = set(file, { name: 'API', hosts: ['api.example.com'], metadata: { team: 'core' } }, LATER);
    expect(outcome).toMatchObject({ changed: true, info: { version: 1, hosts: ['https://api.example.com:443'], metadata: { team: 'core' }, updatedAt: LATER } });
    expect(() => set(file, { name: 'NEW', hosts: ['x.example.com'] })).toThrow(expect.objectContaining({ code: 'SECRET_NOT_FOUND' }));
  });

  it('check-and-set: refuses unless the secret is at the expected version', () => {
    const file = emptyFile();
    expect(() => set(file, { name: 'API', value: VALUE_1, expectedVersion: 1 })).toThrow(expect.objectContaining({ code: 'VERSION_CONFLICT' }));
    set(file, { name: 'API', value: VALUE_1, expectedVersion: 0 });
    expect(() => set(file, { name: 'API', value: VALUE_2, expectedVersion: 0 })).toThrow(expect.objectContaining({ code: 'VERSION_CONFLICT' }));
    expect(set(file, { name: 'API', value: VALUE_2, expectedVersion: 1 }).info.version).toBe(2);
  });
});

describe('applyRollback and the views', () => {
  it('rolls back by moving the kept ciphertexts, as a new version, and history shows it', () => {
    const file = emptyFile();
    set(file, { name: 'API', value: VALUE_1 });
    set(file, { name: 'API', value: VALUE_2 });
    const info = toInfo(applyRollback(file, 'API', 1, LATER, sealer.retire));
    expect(info).toMatchObject({ version: 3, updatedAt: LATER });
    // The ciphertext still carries the version it was written at: its binding moves with it.
    expect(file.secrets.API!.values.default).toMatchObject({ v: 1, ct: `API/default/1:${VALUE_1}` });
    expect(historyOf(file.secrets.API!).map((h) => [h.version, h.current])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    expect(() => applyRollback(file, 'API', 9, LATER, sealer.retire)).toThrow(expect.objectContaining({ code: 'VERSION_NOT_FOUND' }));
    expect(() => applyRollback(file, 'NOPE', 1, LATER, sealer.retire)).toThrow(expect.objectContaining({ code: 'SECRET_NOT_FOUND' }));
  });

  it('toInfo is a copy without any value', () => {
    const file = emptyFile();
    set(file, { name: 'API', value: VALUE_1, metadata: { a: 'b' } });
    const info = toInfo(file.secrets.API!);
    expect(JSON.stringify(info)).not.toContain(VALUE_1);
    info.metadata.a = 'changed';
    expect(file.secrets.API!.metadata.a).toBe('b');
  });

  it('notFound names a name only when it could be one', () => {
    expect(notFound('API', []).message).toContain('API');
    expect(notFound('API_KEY=sk-live-123456', []).message).not.toContain('sk-live');
  });
});
