// Crashes at chosen instants inside vault writes (SPEC §1 promise 8, §11): kill -9 at every step of a
// write, in set, rm, import and rotate-key; the vault always opens with every committed write.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config.js';
import type { VaultFile } from '../../src/vault/schema.js';
import { Vault } from '../../src/vault/vault.js';
import { CLI, filesContaining, modeOf, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { readVaultDocument } from '../helpers/vault-file.js';

let t: TempHome;
beforeEach(() => {
  t = tempHome();
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
});
afterEach(() => t.cleanup());

const valueFor = (name: string) => `value-of-${name}-0123456789abcdef`;

/*
 * Crashes at chosen instants (SPEC §11: kill -9 during writes and during rotate-key, ≥ 50 times).
 * BLINDFOLD_FAULT=<point>:<n> (src/store/faults.ts) makes a CLI process SIGKILL itself at <point>
 * of its n-th journal write, after saying so on stderr, so every kill below provably lands inside a
 * write rather than somewhere in Node's start-up. The points, in the order a change passes them:
 * prepared line half written, prepared line whole, audit entries written, commit line half
 * written, commit line whole and synced.
 */
const POINTS = ['prepare-partial', 'after-prepare', 'after-audit', 'commit-partial', 'after-commit'] as const;
type Point = (typeof POINTS)[number];
type Fault = `${Point}:${number}`;
/** Whether a change killed at this point had landed. */
const landed = (p: Point) => p === 'after-commit';
/** Whether its audit entries were written before the kill (they then need a store.abort if it did not land). */
const claimed = (p: Point) => p === 'after-audit' || p === 'commit-partial' || p === 'after-commit';

/** Kills across the file; the three crash tests below make 31 + 10 + 12 = 53. */
let kills = 0;
const crashTestsRun = new Set<string>();

const vaultPath = () => join(t.home, 'vault.json');
const readVaultFile = () => readVaultDocument(vaultPath()) as VaultFile;
const strayTemps = () => readdirSync(t.home).filter((n) => n.endsWith('.tmp'));

/**
 * Runs a CLI command that must die by SIGKILL at `fault`, and checks that it died inside that write:
 * it said so, it still held the vault lock, and the vault is the one its earlier changes committed,
 * plus this one only when its commit line was whole.
 */
function killAt(args: string[], fault: Fault, opts: { input?: string; ageLock?: boolean } = {}): void {
  const [point, nText] = fault.split(':') as [Point, string];
  const n = Number(nText);
  const before = readVaultFile();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...t.env, BLINDFOLD_FAULT: fault },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  const what = `${args[0]} @ ${fault}: status ${r.status}, signal ${r.signal}\n${r.stderr}`;
  expect(r.signal, what).toBe('SIGKILL');
  expect(r.stderr, what).toContain(`blindfold: FAULT ${point} (write ${n})\n`);
  kills++;

  const lock = `${vaultPath()}.lock`;
  expect(existsSync(lock), what).toBe(true);
  expect(statSync(lock).mtimeMs, what).toBeGreaterThan(Date.now() - 30_000); // its own lock, not an old one
  // The vault on disk is exactly as far along as the process got.
  const after = readVaultFile();
  expect(after.vaultId, what).toBe(before.vaultId);
  expect(after.revision, what).toBe(before.revision + n - (landed(point) ? 0 : 1));

  // proper-lockfile takes over a dead holder's lock once its mtime is 2.5 s old (LOCK_STALE_MS in
  // file-io.ts). Ageing it stands for waiting that long; one test below waits for real instead.
  if (opts.ageLock !== false) {
    const past = new Date(Date.now() - 60_000);
    utimesSync(lock, past, past);
  }
}

/**
 * The audit trail and the vault agree (issue 19): `audit verify` (which first settles what a killed
 * writer left) passes, every change that landed has its entries, and every revision claimed by a
 * change that did not land has a store.abort.
 */
function expectAuditPaired(): void {
  const verify = runCli(['audit', 'verify', '--json'], { env: t.env });
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  const entries = JSON.parse(runCli(['audit', '--json'], { env: t.env }).stdout) as Array<{ action: string; storeRevision?: number }>;
  const aborted = new Set(entries.filter((e) => e.action === 'store.abort').map((e) => e.storeRevision));
  const revision = readVaultFile().revision;
  for (const e of entries) {
    if (e.storeRevision === undefined || e.action === 'store.abort') continue;
    expect(e.storeRevision <= revision || aborted.has(e.storeRevision), JSON.stringify(e)).toBe(true);
  }
}

/**
 * The vault opens with exactly the expected secrets, each holding the value last committed: opened
 * and decrypted in-process by the same Vault code the CLI runs, and (unless `cli` is false, to
 * save a process start on some kills) by the CLI itself: `blindfold list --json` exits 0.
 */
async function expectVault(expected: Map<string, string | undefined>, { cli = true } = {}): Promise<void> {
  const present = [...expected].filter(([, v]) => v !== undefined);
  const names = present.map(([name]) => name).sort();
  if (cli) {
    const list = runCli(['list', '--json'], { env: t.env });
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { secrets: Array<{ name: string }> }).secrets.map((s) => s.name).sort()).toEqual(names);
  }
  const vault = await Vault.open({ paths: resolvePaths({}, t.env), env: t.env });
  expect(vault.names()).toEqual(names);
  const wrong = present.filter(([name, value]) => vault.resolve(name, 'development') !== value).map(([name]) => name);
  expect(wrong).toEqual([]);
}

function writeEnvFile(entries: Array<[string, string]>): string {
  const file = join(t.home, '..', 'import.env');
  writeFileSync(file, entries.map(([k, v]) => `${k}=${v}`).join('\n'));
  return file;
}

function importOk(entries: Array<[string, string]>): void {
  const r = runCli(['import', writeEnvFile(entries), '--host', 'api.example.com'], { env: t.env, timeoutMs: 60_000 });
  expect(r.code, r.stderr).toBe(0);
}

describe('crashes at chosen points inside a write', () => {
  it('set and rm killed at every point of their write (31 kills): committed writes stay, the rest leave no trace', async () => {
    const base = Array.from({ length: 20 }, (_, i) => `S_${i}`);
    // One import for the starting secrets (it also creates the audit key, so from here on each
    // command's first vault write is its own change).
    importOk(base.map((n) => [n, valueFor(n)]));
    const expected = new Map<string, string | undefined>(base.map((n) => [n, valueFor(n)]));
    const start = kills;
    let next = 0;

    for (let round = 0; round < 2; round++) {
      for (const point of POINTS) {
        const created = `NEW_${round}_${point.replaceAll('-', '_')}`;
        killAt(['set', created, '--host', 'api.example.com'], `${point}:1`, { input: valueFor(created) });
        expected.set(created, landed(point) ? valueFor(created) : undefined);
        // Every kill is checked in-process; the CLI's own `list --json` after a torn line and after
        // a prepared change whose commit line is torn (readers skip both).
        const cli = point === 'prepare-partial' || point === 'commit-partial';
        await expectVault(expected, { cli });

        const updated = base[next++]!;
        const value = `${valueFor(updated)}-round-${round}`;
        killAt(['set', updated], `${point}:1`, { input: value });
        if (landed(point)) expected.set(updated, value); // else the old value must still be there
        await expectVault(expected, { cli });
      }
      // What the kills left at the journal's end does not get in the next write's way; it settles it.
      const name = `AFTER_${round}`;
      const ok = runCli(['set', name, '--host', 'api.example.com'], { env: t.env, input: valueFor(name) });
      expect(ok.code, ok.stderr).toBe(0);
      expected.set(name, valueFor(name));
      expect(strayTemps()).toEqual([]);
      expect(existsSync(`${vaultPath()}.lock`)).toBe(false);
      expectAuditPaired();
    }

    for (let round = 0; round < 2; round++) {
      for (const point of POINTS) {
        const removed = base[next++]!;
        killAt(['rm', removed], `${point}:1`);
        if (landed(point)) expected.set(removed, undefined);
        await expectVault(expected, { cli: point === 'prepare-partial' || point === 'commit-partial' });
      }
    }
    expectAuditPaired();

    // A real crash with no help from the test: the dead writer's lock is taken over once stale.
    killAt(['set', 'LAST', '--host', 'api.example.com'], 'after-audit:1', { input: valueFor('LAST'), ageLock: false });
    const lockedAt = statSync(`${vaultPath()}.lock`).mtimeMs;
    const last = runCli(['set', 'LAST', '--host', 'api.example.com'], { env: t.env, input: valueFor('LAST') });
    expect(last.code, last.stderr).toBe(0);
    expect(Date.now() - lockedAt).toBeGreaterThanOrEqual(2_500); // it waited for the lock to go stale
    expected.set('LAST', valueFor('LAST'));
    await expectVault(expected);
    expect(strayTemps()).toEqual([]);

    expect(kills - start).toBe(31);
    expectAuditPaired();
    crashTestsRun.add('set/rm');
    expect(runCli(['check'], { env: t.env }).code).toBe(0);
    expect(modeOf(vaultPath())).toBe(0o600);
  }, 240_000);

  it('import killed inside either of its batch writes (10 kills) keeps every committed batch', async () => {
    // 300 values land in two locked batches, 250 then 50 (IMPORT_BATCH in vault.ts).
    const BATCH = 250;
    const names = Array.from({ length: 300 }, (_, i) => `I_${i}`);
    const valueAt = (name: string, tag: string) => `${valueFor(name)}-${tag}`;
    importOk(names.map((n) => [n, valueAt(n, 'v0')]));
    const expected = new Map<string, string | undefined>(names.map((n) => [n, valueAt(n, 'v0')]));
    const start = kills;

    const plan: Fault[] = [
      'prepare-partial:1', 'after-commit:1', 'after-audit:2', 'after-prepare:1', 'after-commit:2',
      'commit-partial:2', 'after-audit:1', 'prepare-partial:2', 'commit-partial:1', 'after-prepare:2',
    ];
    for (const [cycle, fault] of plan.entries()) {
      const tag = `c${cycle}`;
      const file = writeEnvFile(names.map((n) => [n, valueAt(n, tag)]));
      killAt(['import', file, '--host', 'api.example.com'], fault);
      const [point, w] = fault.split(':') as [Point, string];
      names.forEach((name, i) => {
        const batch = Math.floor(i / BATCH) + 1;
        if (batch < Number(w) || (batch === Number(w) && landed(point))) expected.set(name, valueAt(name, tag));
      });
      await expectVault(expected, { cli: point === 'prepare-partial' || point === 'commit-partial' });
    }
    expect(kills - start).toBe(10);
    expectAuditPaired();
    crashTestsRun.add('import');

    importOk(names.map((n) => [n, valueAt(n, 'final')]));
    await expectVault(new Map(names.map((n) => [n, valueAt(n, 'final')])));
    expect(strayTemps()).toEqual([]);
  }, 240_000);

  it('rotate-key killed at start, mid-batch and at the switch (12 kills), then run again, leaves every value readable under the new key', async () => {
    // 450 secrets + the audit key = 451 wrapped keys: a fresh rotation writes the start, three
    // re-wrap batches, an empty batch and the switch; a resumed one skips the start.
    const names = Array.from({ length: 450 }, (_, i) => `K_${i}`);
    importOk(names.map((n) => [n, valueFor(n)]));
    const total = 451;
    const oldKey = readFileSync(join(t.home, 'master.key'), 'utf8');
    const oldKid = readVaultFile().keyCheck.kid;
    const rewrapped = () => {
      const f = readVaultFile();
      const all = [
        ...Object.values(f.internal ?? {}),
        ...Object.values(f.secrets).flatMap((r) => [...Object.values(r.values), ...r.history.flatMap((h) => Object.values(h.values))]),
      ];
      expect(all).toHaveLength(total);
      return all.filter((v) => v.kid === oldKid + 1).length;
    };
    const pending = () => readVaultFile().rotation !== null;
    const start = kills;

    // Killed before its start write lands: nothing happened, the vault works as before.
    for (const fault of ['prepare-partial:1', 'commit-partial:1'] as Fault[]) {
      killAt(['rotate-key'], fault);
      expect(pending()).toBe(false);
      expect(rewrapped()).toBe(0);
      const list = runCli(['list', '--json'], { env: t.env });
      expect(list.code, list.stderr).toBe(0);
    }
    // Killed once the start landed: other commands refuse until `rotate-key` finishes the job.
    killAt(['rotate-key'], 'after-commit:1');
    expect(pending()).toBe(true);
    const refused = runCli(['list', '--json'], { env: t.env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('rotate-key');

    // Resumed runs killed inside re-wrap batches of 200 values (REWRAP_BATCH in rotation.ts; the
    // audit key moves only with the switch, so the vault keeps opening with the old key until
    // then): each landed batch stays, each torn one is redone by the next run. A resumed run
    // writes the batches still to do, an empty batch that finds nothing left, the switch.
    const resumed: Array<{ fault: Fault; rewrapped: number; pending: boolean }> = [
      { fault: 'after-prepare:1', rewrapped: 0, pending: true }, //       batch 1 torn
      { fault: 'after-commit:1', rewrapped: 200, pending: true }, //      batch 1 landed
      { fault: 'commit-partial:1', rewrapped: 200, pending: true }, //    batch 2 torn
      { fault: 'prepare-partial:1', rewrapped: 200, pending: true }, //   batch 2 torn again
      { fault: 'after-commit:1', rewrapped: 400, pending: true }, //      batch 2 landed
      { fault: 'after-prepare:2', rewrapped: 450, pending: true }, //     batch 3 landed, empty batch torn
      { fault: 'after-audit:1', rewrapped: 450, pending: true }, //       empty batch torn
      { fault: 'commit-partial:2', rewrapped: 450, pending: true }, //    empty batch landed, switch torn
      { fault: 'after-commit:2', rewrapped: 451, pending: false }, //     switch landed, key file not yet swapped
    ];
    for (const step of resumed) {
      killAt(['rotate-key'], step.fault);
      expect({ fault: step.fault, rewrapped: rewrapped(), pending: pending() }).toEqual(step);
    }
    expect(readVaultFile().keyCheck.kid).toBe(oldKid + 1);
    // The switch landed but the key file swap did not: the next command finishes it.
    expect(readFileSync(join(t.home, 'master.key'), 'utf8')).toBe(oldKey);
    expect(existsSync(join(t.home, 'master.key.next'))).toBe(true);
    expect(kills - start).toBe(12);
    expectAuditPaired();
    crashTestsRun.add('rotate-key');

    await expectVault(new Map(names.map((n) => [n, valueFor(n)])));
    const newKey = readFileSync(join(t.home, 'master.key'), 'utf8');
    expect(newKey).not.toBe(oldKey);
    expect(existsSync(join(t.home, 'master.key.next'))).toBe(false);

    // Run again: a complete rotation from there works, and every value reads under the newest key.
    const again = runCli(['rotate-key', '--json'], { env: t.env, timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    await expectVault(new Map(names.map((n) => [n, valueFor(n)])));
    const check = runCli(['check', '--json'], { env: t.env, timeoutMs: 60_000 });
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).values).toBe(450);
    const old = runCli(['list'], { env: { ...t.env, BLINDFOLD_MASTER_KEY: oldKey.trim() } });
    expect(old.code).toBe(3);
    expect(filesContaining(t.home, [valueFor('K_0'), valueFor('K_449')])).toEqual([]);
    expect(strayTemps()).toEqual([]);
  }, 240_000);
});

afterAll(() => {
  // SPEC §11 asks for at least 50 kills inside writes; when all three crash tests ran, count them.
  if (crashTestsRun.size === 3) expect(kills).toBeGreaterThanOrEqual(50);
});
