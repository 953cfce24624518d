// One contract for every audit trail backend (issue 19 item 2): append with the chain, query by
// filter, usage figures, verify (an edited entry and the pairing of vault changes with their
// entries), reached through the home's state as every caller reaches it. PostgreSQL joins the list,
// on the run's real server (a fresh database per test): its `verify` is synchronous like every
// backend's and so checks the rows as the trail last read them; an entry edited in the database
// behind its back is caught by `verifyStored`, which re-reads them (test/unit/postgres-audit-trail.test.ts),
// so it gives no `edit` here.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditTrail } from '../../src/audit/trail.js';
import { fileHomeState, memoryHomeState } from '../../src/store/home-state.js';
import { initSchema, postgresHomeState } from '../../src/store/postgres/index.js';
import { vaultPostgresStore } from '../../src/vault/store.js';
import { freshDatabase } from '../helpers/postgres-db.js';

const key = randomBytes(32);
const vaultId = 'contract-vault-id';
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** The PostgreSQL backend's database, made before each of its tests (a backend opens synchronously). */
let postgresUrl = '';
beforeEach(async (context) => {
  if (!context.task.suite?.name.includes('postgres')) return;
  postgresUrl = await freshDatabase();
  await initSchema(postgresUrl);
});

interface Backend {
  name: string;
  open(): { trail: AuditTrail; edit?: (mutate: (line: Record<string, unknown>) => void, index: number) => void };
}

const backends: Backend[] = [
  {
    name: 'memory',
    open: () => ({ trail: memoryHomeState().audit({ key, vaultId }) }),
  },
  {
    name: 'file',
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'bf-audit-'));
      const path = join(dir, 'audit.jsonl');
      const trail = fileHomeState({ audit: path }).audit({ key, vaultId });
      cleanups.push(() => {
        trail.close();
        rmSync(dir, { recursive: true, force: true });
      });
      const edit = (mutate: (line: Record<string, unknown>) => void, index: number) => {
        trail.flush();
        const lines = readFileSync(path, 'utf8').trim().split('\n');
        const entry = JSON.parse(lines[index]!) as Record<string, unknown>;
        mutate(entry);
        lines[index] = JSON.stringify(entry);
        writeFileSync(path, `${lines.join('\n')}\n`);
      };
      return { trail, edit };
    },
  },
  {
    name: 'postgres',
    open() {
      const store = vaultPostgresStore(postgresUrl);
      const home = postgresHomeState(postgresUrl, store);
      const trail = home.audit({ key, vaultId });
      cleanups.push(async () => {
        trail.close();
        await home.close();
        await store.close();
      });
      return { trail };
    },
  },
];

describe.each(backends)('the $name audit trail keeps the contract', (backend) => {
  it('appends a chain that verifies, and answers queries by secret, action and principal', async () => {
    const { trail } = backend.open();
    await trail.append({ action: 'secret.create', principal: 'cli:alice', secrets: ['A'], outcome: 'ok', storeRevision: 1 });
    await trail.append({ action: 'secret.resolve', principal: 'stdio:x', secrets: ['A'], outcome: 'ok' });
    await trail.append({ action: 'secret.resolve', principal: 'stdio:y', secrets: ['A', 'B'], outcome: 'ok' });
    await trail.append({ action: 'request.denied', principal: 'stdio:x', outcome: 'denied', reason: 'HOST_NOT_ALLOWED' });
    expect(trail.query().map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(trail.query({ secret: 'B' }).map((e) => e.seq)).toEqual([3]);
    expect(trail.query({ action: 'secret.resolve', principal: 'stdio:x' }).map((e) => e.seq)).toEqual([2]);
    expect(trail.query({ since: new Date(Date.now() + 60_000) })).toEqual([]);
    expect(trail.usage().get('A')?.useCount).toBe(2);
    expect(trail.usage().get('B')?.useCount).toBe(1);
    expect(trail.verify(1)).toMatchObject({ ok: true, entries: 4 });
  });

  it('caps what a caller hands it: a long reason is cut, never stored whole', async () => {
    const { trail } = backend.open();
    await trail.append({ action: 'request.denied', principal: 'stdio:x', outcome: 'denied', reason: 'x'.repeat(10_000) });
    expect(trail.query()[0]!.reason!.length).toBeLessThan(1_000);
  });

  it('verify pairs vault changes with their entries: a claim past the store, or claimed twice, is reported; an abort closes one', async () => {
    const { trail } = backend.open();
    await trail.append({ action: 'secret.create', principal: 'cli:a', secrets: ['A'], outcome: 'ok', storeRevision: 1 });
    await trail.append({ action: 'secret.update', principal: 'cli:a', secrets: ['A'], outcome: 'ok', storeRevision: 2 });
    expect(trail.verify(2).ok).toBe(true);
    expect(trail.verify(1)).toMatchObject({ ok: false, problem: expect.stringContaining('revision 2') });
    await trail.append({ action: 'store.abort', principal: 'cli:a', outcome: 'error', storeRevision: 2 });
    expect(trail.verify(1).ok).toBe(true); // revision 2 never landed, and the trail says so
    await trail.append({ action: 'secret.update', principal: 'cli:b', secrets: ['A'], outcome: 'ok', storeRevision: 2 });
    expect(trail.verify(2).ok).toBe(true); // claimed again after its abort: fine
    await trail.append({ action: 'secret.update', principal: 'cli:c', secrets: ['A'], outcome: 'ok', storeRevision: 2 });
    await trail.append({ action: 'secret.resolve', principal: 'stdio:x', secrets: ['A'], outcome: 'ok' });
    await trail.append({ action: 'secret.update', principal: 'cli:c', secrets: ['A'], outcome: 'ok', storeRevision: 2 });
    expect(trail.verify(3)).toMatchObject({ ok: false, problem: expect.stringContaining('claimed by two changes') });
  });

  it('an entry edited where it is stored fails verification; a queried copy edited changes nothing', async () => {
    const { trail, edit } = backend.open();
    await trail.append({ action: 'secret.create', principal: 'cli:a', secrets: ['A'], outcome: 'ok' });
    await trail.append({ action: 'secret.resolve', principal: 'stdio:x', secrets: ['A'], outcome: 'ok' });
    trail.query()[0]!.principal = 'cli:someone-else';
    expect(trail.query()[0]!.principal).toBe('cli:a');
    expect(trail.verify().ok).toBe(true);
    if (!edit) return; // memory keeps nothing a caller can reach
    edit((e) => void (e.principal = 'cli:someone-else'), 0);
    expect(trail.verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/MAC does not match/) });
  });
});
