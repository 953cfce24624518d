// The team server looks a token up on every request: the hash key is opened once, not decrypted per
// lookup, and opened again only when the sealed key it comes from changes (a rotation re-wraps it).
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { TokenRegistry, type TokenSource } from '../../src/vault/tokens.js';
import type { VaultFile } from '../../src/vault/schema.js';

it('opens the hash key once per sealed key, however many lookups', async () => {
  const file = { tokens: {}, internal: { audit: { sealed: 'first' } } } as unknown as VaultFile;
  const key = randomBytes(32);
  let opened = 0;
  const source: TokenSource = {
    file: () => file,
    write: (async (change: (f: VaultFile, record: () => void) => unknown) => change(file, () => {})) as unknown as TokenSource['write'],
    key: async () => (opened++, key),
  };
  const registry = new TokenRegistry(source);
  const { token } = await registry.create({ name: 'ci-bot', secrets: ['GITHUB_*'] });
  for (let i = 0; i < 20; i++) expect((await registry.lookup(token))?.name).toBe('ci-bot');
  expect(opened).toBe(1);
  // A re-wrapped key (rotate-key) is opened again; the same key still finds the token.
  (file as unknown as { internal: { audit: unknown } }).internal.audit = { sealed: 'rewrapped' };
  expect((await registry.lookup(token))?.name).toBe('ci-bot');
  expect(opened).toBe(2);
});
