// Issue 22, SPEC §11: 8 writer processes × 100 concurrent `set`, across two homes (two machines) on
// one PostgreSQL database, lose nothing: every set lands, `list` and `history` show all of them, and
// the audit chain verifies with exactly one entry per change (its store revision, none twice).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/postgres-db.js';

const SEED = `pgw${randomBytes(12).toString('hex')}`;
const MASTER = randomBytes(32).toString('base64');
const WRITER = join(REPO, 'test/helpers/pg-writer.mjs');
const PROCESSES = 8;
const SETS = 100;
const SHARED = 10;

interface Outcome {
  name: string;
  ok: boolean;
  version?: number;
  code?: string;
}

let homes: TempHome[] = [];
const outputs: string[] = [];

beforeAll(async () => {
  const url = await freshDatabase();
  homes = [0, 1].map(() => tempHome({ BLINDFOLD_STORE: url, BLINDFOLD_MASTER_KEY: MASTER }));
  const init = runCli(['init'], { env: homes[0]!.env });
  expect(init.code, init.stderr).toBe(0);
});
afterAll(() => homes.forEach((h) => h.cleanup()));

function writer(p: number): Promise<string> {
  // Half the writers on each machine; each sends its 100 sets at once.
  const env = { ...homes[p % 2]!.env, WRITER_SEED: SEED };
  const child = spawn(process.execPath, [WRITER, `P${p}`, String(SETS), 'concurrent', String(SHARED)], { env });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve) => child.on('close', (code) => resolve(`${out}exit ${code}\n`)));
}

describe('8 processes × 100 concurrent sets on one PostgreSQL database, from two homes', () => {
  it('every set lands, list and history show them all, and the chain has one entry per change', async () => {
    outputs.push(...(await Promise.all(Array.from({ length: PROCESSES }, (_, p) => writer(p)))));
    const results = outputs.flatMap((o) => o.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Outcome));
    expect(outputs.every((o) => o.endsWith('exit 0\n')), outputs.join('\n')).toBe(true);
    expect(results).toHaveLength(PROCESSES * SETS);
    expect(results.filter((r) => !r.ok)).toEqual([]);

    const own = PROCESSES * (SETS / 2);
    const perShared = (PROCESSES * (SETS / 2)) / SHARED;
    for (const home of homes) {
      const list = runCli(['list', '--json'], { env: home.env });
      outputs.push(list.stdout, list.stderr);
      const secrets = (JSON.parse(list.stdout) as { secrets: Array<{ name: string; version: number }> }).secrets;
      expect(secrets).toHaveLength(own + SHARED);
      // Each shared record was updated by every writer: no update lost means its version counts them all.
      for (let k = 0; k < SHARED; k++) expect(secrets.find((s) => s.name === `SHARED_${k}`)?.version).toBe(perShared);
    }
    // The versions each writer was told are all different for one record: no two sets landed as one.
    for (let k = 0; k < SHARED; k++) {
      const versions = results.filter((r) => r.name === `SHARED_${k}`).map((r) => r.version).sort((a, b) => a! - b!);
      expect(versions).toEqual(Array.from({ length: perShared }, (_, v) => v + 1));
    }
    const history = runCli(['history', 'SHARED_0', '--json'], { env: homes[1]!.env });
    outputs.push(history.stdout, history.stderr);
    expect(history.code).toBe(0);
    expect(history.stdout).toContain(`${perShared}`);
    const created = runCli(['history', 'P7_0', '--json'], { env: homes[0]!.env });
    outputs.push(created.stdout, created.stderr);
    expect(created.code).toBe(0);

    const verify = runCli(['audit', 'verify', '--json'], { env: homes[1]!.env });
    outputs.push(verify.stdout, verify.stderr);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const audit = runCli(['audit', '--json'], { env: homes[0]!.env });
    outputs.push(audit.stderr);
    const entries = JSON.parse(audit.stdout) as Array<{ action: string; secrets?: string[]; storeRevision?: number }>;
    const changes = entries.filter((e) => e.action === 'secret.create' || e.action === 'secret.update');
    expect(changes.filter((e) => e.action === 'secret.create')).toHaveLength(own + SHARED);
    expect(changes).toHaveLength(PROCESSES * SETS);
    const revisions = new Set(changes.map((e) => e.storeRevision));
    expect(revisions.size).toBe(PROCESSES * SETS);
    expect(entries.filter((e) => e.action === 'store.abort')).toEqual([]);
  }, 600_000);

  it('no value reached any output', () => {
    expect(outputs.join('\n')).toContain('exit 0');
    expect(outputs.filter((o) => o.includes(SEED))).toEqual([]);
  });
});
