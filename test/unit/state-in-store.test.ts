// The home's small state in the vault's store (issue 19: one revision, one feed for every seam):
// a suspension lands as a change of the vault's journal, is named by the change feed, reaches
// another process's vault on its next refresh, and a suspension written by the previous release
// (its own suspensions.json) still holds after the upgrade, and after the store takes over.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { SuspensionList } from '../../src/policy/suspensions.js';
import { Vault } from '../../src/vault/vault.js';
import { stateFile } from '../helpers/state-file.js';
import { readVaultDocument } from '../helpers/vault-file.js';

const key = randomBytes(32).toString('base64');
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function open(home: string): Promise<Vault> {
  return Vault.open({ paths: resolvePaths({ home }, {}), env: { BLINDFOLD_MASTER_KEY: key }, create: true });
}

describe('suspensions kept in the vault store', () => {
  it('land in the journal as one revision, named by the change feed, and reach another process on refresh', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-state-'));
    const home = join(dir, 'home');
    const server = await open(home);
    const cli = await open(home);
    const before = server.store.lastRead()!.revision;
    await SuspensionList.in(cli.state).suspend('stdio:agent', 'test: a tripwire hit');
    expect(SuspensionList.in(server.state).isSuspended('stdio:agent')).toBe(false); // not refreshed yet
    await server.refresh();
    expect(SuspensionList.in(server.state).isSuspended('stdio:agent')).toBe(true);
    expect(server.store.lastRead()!.revision).toBe(before + 1);
    expect(server.store.changesSince(before)).toEqual({ revision: before + 1, records: { state: ['suspensions'] }, meta: false });
    expect(Object.keys(readVaultDocument(join(home, 'vault.json')).state)).toEqual(['suspensions']);

    await SuspensionList.in(server.state).clear('stdio:agent');
    await cli.refresh();
    expect(SuspensionList.in(cli.state).isSuspended('stdio:agent')).toBe(false);
  });

  it("a suspension of the previous release's file still holds, before and after the store takes over", async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-state-'));
    const home = join(dir, 'home');
    const paths = resolvePaths({ home }, {});
    await open(home);
    await SuspensionList.in(stateFile(paths.suspensions)).suspend('stdio:old', 'suspended before the upgrade');
    const vault = await open(home);
    expect(SuspensionList.in(vault.state).isSuspended('stdio:old')).toBe(true);
    await SuspensionList.in(vault.state).suspend('stdio:new', 'suspended after it');
    const reopened = await open(home);
    const list = SuspensionList.in(reopened.state);
    expect([list.isSuspended('stdio:old'), list.isSuspended('stdio:new')]).toEqual([true, true]);
  });

  it('a damaged suspension list in the store fails closed: it never reads as "nobody is suspended"', async () => {
    dir = mkdtempSync(join(tmpdir(), 'bf-state-'));
    const vault = await open(join(dir, 'home'));
    await SuspensionList.in(vault.state).suspend('stdio:agent', 'test: a tripwire hit');
    await vault.store.update((draft) => {
      draft!.state!.suspensions = { version: 2, suspended: 'not a map' };
      return { next: draft!, result: undefined };
    });
    const reopened = await open(join(dir, 'home'));
    expect(() => SuspensionList.in(reopened.state).isSuspended('stdio:agent')).toThrow(/suspension list .* is not valid/);
  });
});
