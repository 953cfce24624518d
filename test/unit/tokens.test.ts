// Agent tokens as a seam of the store (issue 19 item 2; the commands come with issue 21): created
// once and shown once, kept as a keyed hash with their scope in the vault's store (memory and file
// alike), looked up by hash in constant time, revoked or expired alike, audited in the same change,
// and a revocation made by another process reaches a running vault on its next refresh.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { vaultMemoryStore, type VaultStore } from '../../src/vault/store.js';
import { Vault, type VaultEvent } from '../../src/vault/vault.js';
import { vaultBytes } from '../helpers/vault-file.js';

const key = randomBytes(32).toString('base64');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function open(home: string, store?: VaultStore) {
  const vault = await Vault.open({ paths: resolvePaths({ home }, {}), env: { BLINDFOLD_MASTER_KEY: key }, create: true, ...(store ? { store } : {}) });
  const events: Array<{ events: VaultEvent[]; revision: number }> = [];
  vault.recordChangesWith({ record: async (e, revision) => void events.push({ events: e, revision }), abort: async () => {} });
  return { vault, events };
}

const backends = [
  { name: 'memory', home: () => '/nonexistent/blindfold-tokens', store: () => vaultMemoryStore() },
  {
    name: 'file',
    home: () => {
      const dir = mkdtempSync(join(tmpdir(), 'bf-tokens-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return join(dir, 'home');
    },
    store: () => undefined,
  },
];

describe.each(backends)('agent tokens over the $name store', (backend) => {
  it('are shown once, kept as a keyed hash with their scope, and found by the token alone', async () => {
    const home = backend.home();
    const { vault, events } = await open(home, backend.store());
    const { token, info } = await vault.tokens.create({ name: 'ci-bot', secrets: ['GITHUB_*'], tasks: ['deploy'], env: 'production', ratePerMinute: 60 });
    expect(token).toMatch(/^bf_agt_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({ name: 'ci-bot', secrets: ['GITHUB_*'], tasks: ['deploy'], env: 'production', admin: false, ratePerMinute: 60 });
    expect(JSON.stringify(vault.tokens.list())).not.toContain(token.slice(7));
    for (const listed of vault.tokens.list()) expect(listed).not.toHaveProperty('hash');
    expect((await vault.tokens.lookup(token))?.name).toBe('ci-bot');
    expect(await vault.tokens.lookup(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(await vault.tokens.lookup('ci-bot')).toBeUndefined();
    // Audited in the change that created it, claiming its revision.
    expect(events.at(-1)!.events).toEqual([{ action: 'token.create', names: [], reason: 'token ci-bot created' }]);
    if (backend.name === 'file') expect(vaultBytes(join(home, 'vault.json'))).not.toContain(token.slice(7));
    await expect(vault.tokens.create({ name: 'ci-bot' })).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    const tokenShaped = `Bearer_${randomBytes(12).toString('hex')}`;
    const refused = vault.tokens.create({ name: tokenShaped });
    await expect(refused).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(refused).rejects.not.toThrow(tokenShaped);
  });

  it('a revoked or expired token is refused alike, from the next lookup on', async () => {
    const { vault, events } = await open(backend.home(), backend.store());
    const now = new Date('2026-12-01T00:00:00Z');
    const { token } = await vault.tokens.create({ name: 'short', expiresAt: new Date('2026-12-02T00:00:00Z') }, now);
    expect((await vault.tokens.lookup(token, now))?.name).toBe('short');
    expect(await vault.tokens.lookup(token, new Date('2026-12-02T00:00:01Z'))).toBeUndefined();
    const { token: other } = await vault.tokens.create({ name: 'other' });
    await vault.tokens.revoke('other');
    expect(await vault.tokens.lookup(other)).toBeUndefined();
    expect(events.at(-1)!.events[0]!.action).toBe('token.revoke');
    await expect(vault.tokens.revoke('other')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
  });
});

describe('a token revoked by another process', () => {
  it('stops working for a running vault on its next refresh (one revision, one feed)', async () => {
    const home = backends[1]!.home();
    const { vault: server } = await open(home);
    const { vault: cli } = await open(home);
    const { token } = await cli.tokens.create({ name: 'agent-1', secrets: ['*'] });
    await server.refresh();
    expect((await server.tokens.lookup(token))?.name).toBe('agent-1');
    await cli.tokens.revoke('agent-1');
    expect((await server.tokens.lookup(token))?.name).toBe('agent-1'); // not refreshed yet
    await server.refresh();
    expect(await server.tokens.lookup(token)).toBeUndefined();
  });
});
