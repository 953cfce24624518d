// `serve` checks each secret record against the schema on its first read rather than all at open
// (B4). What must not change: a record that fails is never handed out, whatever reads it; it fails
// with VAULT_CORRUPT naming where; and everything but serve still refuses the file at open.
import { describe, expect, it } from 'vitest';
import { storedValues } from '../../src/vault/values.js';
import type { SecretRecord } from '../../src/vault/schema.js';
import { parseVaultText } from '../../src/vault/store.js';

const PATH = '/somewhere/vault.json';
const value = { v: 1, kid: 1, wk: 'd2s=', ct: 'Y3Q=' };
const record = (name: string) => ({
  name,
  description: '',
  metadata: {},
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
  values: { default: value },
  policy: { hosts: ['https://a.example.com:443'], placements: ['header'], inject: 'header:Authorization:Bearer {value}' },
  history: [],
});

/** A vault file whose BAD record has a string where its host list belongs (a hand edit). */
function fileText(): string {
  const bad = { ...record('BAD'), policy: { ...record('BAD').policy, hosts: 'evil.example.com' } };
  return JSON.stringify({
    format: 1,
    vaultId: 'abcdefghijkl',
    revision: 3,
    kdf: { type: 'raw' },
    keyCheck: { kid: 1, box: 'Ym94' },
    rotation: null,
    secrets: { GOOD: record('GOOD'), BAD: bad, LATER: record('LATER') },
  });
}

const corrupt = (where: string) =>
  expect.objectContaining({ code: 'VAULT_CORRUPT', message: expect.stringContaining(`not a valid Blindfold vault (at ${where})`) });

describe('secret records checked on first read', () => {
  it('is refused at open by default, as it always was', () => {
    expect(() => parseVaultText(fileText(), PATH)).toThrow(corrupt('secrets.BAD.policy.hosts'));
  });

  it('opens, and hands out the records that pass', () => {
    const file = parseVaultText(fileText(), PATH, 'on-first-read');
    expect(Object.keys(file.secrets)).toEqual(['GOOD', 'BAD', 'LATER']);
    expect(Object.hasOwn(file.secrets, 'BAD')).toBe(true);
    expect(file.secrets.GOOD!.policy.hosts).toEqual(['https://a.example.com:443']);
  });

  it('never hands out the record that fails, however it is read', () => {
    const file = parseVaultText(fileText(), PATH, 'on-first-read');
    const reads: Array<[string, () => unknown]> = [
      ['by name', () => file.secrets.BAD],
      ['Object.values', () => Object.values(file.secrets)],
      ['Object.entries', () => Object.entries(file.secrets)],
      ['spread', () => ({ ...file.secrets })],
      ['JSON.stringify (before any write)', () => JSON.stringify(file)],
      ['every stored value', () => [...storedValues(file)]],
    ];
    for (const [how, read] of reads) expect(read, how).toThrow(corrupt('secrets.BAD.policy.hosts'));
    // Failing once does not let it through the next time.
    expect(() => file.secrets.BAD).toThrow(corrupt('secrets.BAD.policy.hosts'));
  });

  it('the walk over every value reads records one at a time, so the index fed in slices checks in slices', () => {
    const file = parseVaultText(fileText(), PATH, 'on-first-read');
    const walk = storedValues(file);
    expect(walk.next().value?.record.name).toBe('GOOD'); // BAD is not read yet
    expect(() => walk.next()).toThrow(corrupt('secrets.BAD.policy.hosts'));
  });

  it('a record this process writes is its own, and a record removed is gone', () => {
    const file = parseVaultText(fileText(), PATH, 'on-first-read');
    file.secrets.BAD = record('BAD') as SecretRecord;
    expect(file.secrets.BAD!.policy.hosts).toEqual(['https://a.example.com:443']);
    delete file.secrets.BAD;
    expect(Object.keys(file.secrets)).toEqual(['GOOD', 'LATER']);
    expect(JSON.parse(JSON.stringify(file)).secrets.LATER.name).toBe('LATER');
  });

  it('the shell is still checked at open', () => {
    const text = JSON.stringify({ ...JSON.parse(fileText()), keyCheck: { kid: 'one', box: 'Ym94' } });
    expect(() => parseVaultText(text, PATH, 'on-first-read')).toThrow(corrupt('keyCheck.kid'));
    const notRecords = JSON.stringify({ ...JSON.parse(fileText()), secrets: [] });
    expect(() => parseVaultText(notRecords, PATH, 'on-first-read')).toThrow(corrupt('secrets'));
  });
});
