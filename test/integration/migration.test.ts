// A vault written by the previous release (store format 1: the whole document in vault.json) is
// migrated on first open (issue 19): kept byte for byte as vault.json.v1.bak, rewritten as a
// snapshot with a journal, and every value, version, fingerprint, tombstone and audit entry is
// still there; `audit verify` passes across the migration. The fixture in test/fixtures/v1-vault
// was written by the release before this one (commit 50be0b7: init, set ×5, rm, rollback).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import { parseVaultText } from '../../src/vault/store.js';
import { countValues } from '../../src/vault/values.js';
import { Vault } from '../../src/vault/vault.js';
import { REPO, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { readVaultDocument } from '../helpers/vault-file.js';

const FIXTURE = join(REPO, 'test/fixtures/v1-vault');
const VALUES = {
  alphaNow: 'fixture-alpha-value-Qm7Zr2Lx9Wv4', // rolled back to version 1's value
  alphaProd: 'fixture-alpha-prod-Yt5Gc1Vb8Nm3', // only in the kept history (version 3)
  beta: 'fixture-beta-value-Rw4Jx7Lq2Ze9',
};

let t: TempHome;
beforeEach(() => {
  t = tempHome();
  mkdirSync(t.home, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(FIXTURE)) {
    copyFileSync(join(FIXTURE, name), join(t.home, name));
    chmodSync(join(t.home, name), 0o600); // git keeps no file modes
  }
});
afterEach(() => t.cleanup());

const vaultPath = () => join(t.home, 'vault.json');
const cli = (...args: string[]) => runCli(args, { env: t.env });

describe('a vault of the previous release', () => {
  it('is migrated on first open, with the old file kept as the backup, and every value, version and fingerprint there', async () => {
    const original = readFileSync(vaultPath());
    const before = parseVaultText(original.toString('utf8'), vaultPath());
    expect(before.format).toBe(1);

    const listed = cli('list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toContain(`previous file is kept at ${vaultPath()}.v1.bak`);
    expect((JSON.parse(listed.stdout) as { secrets: Array<{ name: string; version: number }> }).secrets.map((s) => [s.name, s.version])).toEqual([
      ['ALPHA_KEY', 4],
      ['BETA_TOKEN', 1],
    ]);
    expect(readFileSync(`${vaultPath()}.v1.bak`).equals(original)).toBe(true);
    expect(JSON.parse(readFileSync(vaultPath(), 'utf8')).format).toBe(2);

    // The document is the same, record for record: values, history, fingerprints, tombstones.
    const after = readVaultDocument(vaultPath());
    expect(after.revision).toBe(before.revision);
    expect(after.secrets).toEqual(before.secrets);
    expect(after.retired).toEqual(before.retired);
    expect(Object.keys(after.retired)).toEqual(['GONE_KEY']);
    expect(after.internal).toEqual(before.internal);
    expect(countValues(after)).toBe(countValues(before));

    const vault = await Vault.open({ paths: resolvePaths({}, t.env), env: t.env });
    expect(vault.resolve('ALPHA_KEY', 'development')).toBe(VALUES.alphaNow);
    expect(vault.resolve('BETA_TOKEN', 'development')).toBe(VALUES.beta);
    expect(vault.history('ALPHA_KEY').map((h) => h.version)).toEqual([4, 3, 2, 1]);
    expect(vault.verifyAll()).toBe(countValues(before)); // every stored value, history included, decrypts
    expect(vault.retiredCount('GONE_KEY')).toBe(1);
    await vault.close();

    // Opened again: nothing more to migrate, and the backup is left as it was.
    const again = cli('list');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('migrated');
    expect(readFileSync(`${vaultPath()}.v1.bak`).equals(original)).toBe(true);
  });

  it('keeps its audit trail, which verifies across the migration and the changes after it', () => {
    const trail = readFileSync(join(t.home, 'audit.jsonl'), 'utf8').trim().split('\n');
    expect(trail).toHaveLength(7);
    let r = cli('audit', 'verify', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, entries: 7 });

    r = runCli(['set', 'BETA_TOKEN'], { env: t.env, input: 'fixture-beta-value-2-Ut6Fy9Cb2Xk5' });
    expect(r.code, r.stderr).toBe(0);
    r = cli('audit', 'verify', '--json');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, entries: 8 });
    const entries = JSON.parse(cli('audit', '--json').stdout) as Array<{ action: string; storeRevision?: number }>;
    expect(entries.slice(0, 7).map((e) => JSON.stringify(e))).toEqual(trail.map((line) => JSON.stringify(JSON.parse(line))));
    const fixtureRevision = (JSON.parse(readFileSync(join(FIXTURE, 'vault.json'), 'utf8')) as { revision: number }).revision;
    expect(entries[7]).toMatchObject({ action: 'secret.update', storeRevision: fixtureRevision + 1 });
  });

  it('can be put back from the backup as the README says, and is migrated again from it', async () => {
    expect(cli('list').code).toBe(0);
    // README "Storage": stop Blindfold, copy the backup over vault.json (the journal files may stay: the old file names none).
    copyFileSync(`${vaultPath()}.v1.bak`, vaultPath());
    const r = cli('list', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('migrated the vault');
    const vault = await Vault.open({ paths: resolvePaths({}, t.env), env: t.env });
    expect(vault.resolve('ALPHA_KEY', 'development')).toBe(VALUES.alphaNow);
    await vault.close();
    expect(readdirSync(t.home).filter((n) => n.startsWith('vault.journal.'))).toHaveLength(1); // the stray one was swept
    expect(existsSync(`${vaultPath()}.v1.bak`)).toBe(true);
  });

  it('holds no plaintext value on disk before or after the migration, and keeps every vault file 0600', () => {
    expect(cli('list').code).toBe(0);
    expect(runCli(['set', 'BETA_TOKEN'], { env: t.env, input: 'fixture-beta-value-3-Wq2Er5Ty8Ui1' }).code).toBe(0);
    const vaultFiles = readdirSync(t.home).filter((n) => n.startsWith('vault.'));
    expect(vaultFiles.sort()).toEqual([expect.stringMatching(/^vault\.journal\.[0-9a-f]{16}$/), 'vault.json', 'vault.json.v1.bak']);
    for (const name of vaultFiles) expect(statSync(join(t.home, name)).mode & 0o777, name).toBe(0o600);
    for (const name of readdirSync(t.home)) {
      const text = readFileSync(join(t.home, name), 'utf8');
      for (const value of Object.values(VALUES)) expect(text.includes(value), name).toBe(false);
    }
  });
});
