// One contract, every SecretStore implementation (SPEC §7, issue 19): per-record changes under the
// lock, store-wide and per-record compare-and-set, a change feed that names every changed record,
// a change and its audit entry landing together or not at all, and no lost update. The file store
// also runs it across processes and under kill -9 at each of its fault points (file-only: they
// stop the file store's own write steps). PostgreSQL runs it on a real server the suite started
// (test/helpers/postgres.ts), a fresh database per test, as two instances on one database.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file.js';
import { FAULT_POINTS } from '../../src/store/faults.js';
import { freshDatabase } from '../helpers/postgres-db.js';
import { MemoryStore } from '../../src/store/memory.js';
import { initSchema, PostgresStore } from '../../src/store/postgres/index.js';
import type { SecretStore, StoreChange } from '../../src/store/secret-store.js';

interface Doc {
  revision: number;
  label?: string;
  counts: Record<string, number>;
}

const WORKER = join(import.meta.dirname, 'store-worker.mjs');
const SNAPSHOT_POINTS = ['temp-partial', 'after-temp-write', 'before-rename', 'after-rename'];
const collections = ['counts'];
const fileStore = (path: string) => new FileStore<Doc>(path, { collections, checkDocument: (raw) => raw as Doc });

/** Two handles on the same stored document: for the file, two instances (as two processes would have). */
interface Backend {
  name: string;
  pair(): Promise<[SecretStore<Doc>, SecretStore<Doc>]>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bf-store-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const backends: Backend[] = [
  {
    name: 'MemoryStore',
    async pair() {
      const store = new MemoryStore<Doc>({ collections });
      cleanups.push(() => store.close());
      return [store, store];
    },
  },
  {
    name: 'FileStore',
    async pair() {
      const path = join(await tempDir(), 'nested', 'doc.json');
      const a = fileStore(path);
      const b = fileStore(path);
      cleanups.push(async () => {
        await a.close();
        await b.close();
      });
      return [a, b];
    },
  },
  {
    name: 'PostgresStore',
    async pair() {
      const url = await freshDatabase();
      await initSchema(url);
      // Two instances on one database, as two team servers would have.
      const a = new PostgresStore<Doc>(url, { collections, poolSize: 4 });
      const b = new PostgresStore<Doc>(url, { collections, poolSize: 4 });
      cleanups.push(async () => {
        await a.close();
        await b.close();
      });
      return [a, b];
    },
  },
];

function bump(key: string, beforeCommit?: (revision: number) => Promise<void>) {
  return (current: Doc | null): StoreChange<Doc, number> => {
    const next: Doc = current ?? { revision: 0, counts: {} };
    next.counts[key] = (next.counts[key] ?? 0) + 1;
    return { next, result: next.counts[key], ...(beforeCommit ? { beforeCommit } : {}) };
  };
}

const counts = async (store: SecretStore<Doc>) => ({ ...(await store.read()).document?.counts });

describe.each(backends)('$name keeps the SecretStore contract', (backend) => {
  it('starts empty, and each landed update raises the revision by one', async () => {
    const [store] = await backend.pair();
    expect((await store.read()).document).toBeNull();
    await store.update(bump('a'));
    await store.update(bump('a'));
    const doc = (await store.read()).document!;
    expect(doc.revision).toBe(2);
    expect({ ...doc.counts }).toEqual({ a: 2 });
  });

  it('an update without `next` writes nothing; a throwing one writes nothing and frees the lock', async () => {
    const [store] = await backend.pair();
    await store.update(bump('a'));
    const { stamp } = await store.read();
    expect(await store.update(() => ({ result: 'nothing' }))).toBe('nothing');
    await expect(
      store.update((current) => {
        current!.counts.a = 99;
        throw new Error('refused by the recorder');
      }),
    ).rejects.toThrow('refused by the recorder');
    expect(await store.changedSince(stamp)).toBe(false);
    expect(await counts(store)).toEqual({ a: 1 });
    await store.update(bump('a'));
    expect(await counts(store)).toEqual({ a: 2 });
  });

  it('mutate gets a draft: changing it after the update, or changing nothing, stores nothing', async () => {
    const [store] = await backend.pair();
    let draft: Doc | undefined;
    await store.update((current) => {
      const change = bump('a')(current);
      draft = change.next;
      return change;
    });
    await store.update((current) => {
      current!.counts.b = 5; // on the draft only: not returned as next
      return { result: undefined };
    });
    draft!.counts.a = 2000;
    expect(await counts(store)).toEqual({ a: 1 });
    expect((await store.read()).document?.revision).toBe(1);
  });

  it('a change and its audit entry land together: beforeCommit gets the revision, and its throw lands nothing', async () => {
    const [mine, theirs] = await backend.pair();
    const claimed: number[] = [];
    await mine.update(bump('a', async (r) => void claimed.push(r)));
    await theirs.update(bump('a', async (r) => void claimed.push(r)));
    expect(claimed).toEqual([1, 2]);
    await expect(mine.update(bump('b', async () => Promise.reject(new Error('audit trail unavailable'))))).rejects.toThrow('audit trail unavailable');
    expect(await counts(theirs)).toEqual({ a: 2 });
    expect((await theirs.read()).document?.revision).toBe(2);
    await theirs.update(bump('b', async (r) => void claimed.push(r)));
    expect(claimed).toEqual([1, 2, 3]); // the refused change's revision went to the next one that landed
    expect(await counts(mine)).toEqual({ a: 2, b: 1 });
  });

  it('compare-and-set on the store: a stale expected revision is refused with VERSION_CONFLICT and writes nothing', async () => {
    const [mine, theirs] = await backend.pair();
    await mine.update(bump('a'));
    const seen = (await mine.read()).document!.revision;
    await theirs.update(bump('b'));
    await expect(mine.update(bump('a'), { expectedRevision: seen })).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    expect(await counts(mine)).toEqual({ a: 1, b: 1 });
    await mine.update(bump('a'), { expectedRevision: 2 });
    expect(await counts(mine)).toEqual({ a: 2, b: 1 });
  });

  it('compare-and-set per record: refused only when that record changed since it was read', async () => {
    const [mine, theirs] = await backend.pair();
    await mine.update(bump('a'));
    await mine.update(bump('b'));
    expect(mine.recordRevision('counts', 'a')).toBe(1);
    expect(mine.recordRevision('counts', 'never')).toBe(0);
    await theirs.update(bump('b')); // b moves on; a does not
    await mine.update(bump('a'), { expectedRecords: { counts: { a: 1 } } }); // a unchanged: lands
    await expect(mine.update(bump('b'), { expectedRecords: { counts: { b: 2 } } })).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    await expect(mine.update(bump('c'), { expectedRecords: { counts: { c: 4 } } })).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    await mine.update(bump('c'), { expectedRecords: { counts: { c: 0 } } });
    expect(await counts(theirs)).toEqual({ a: 2, b: 2, c: 1 });
  });

  it('the change feed names every record changed after a revision, and only those', async () => {
    const [mine, theirs] = await backend.pair();
    await mine.update(bump('seed'));
    const from = (await mine.read()).document!.revision;
    const expected = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const key = `k${(i * 7) % 13}`;
      expected.add(key);
      await (i % 3 ? theirs : mine).update(bump(key));
    }
    await theirs.update((current) => {
      current!.label = 'metadata changed';
      delete current!.counts.k0;
      return { next: current!, result: undefined };
    });
    await mine.read();
    const changes = mine.changesSince(from)!;
    expect(changes.revision).toBe(from + 41);
    expect(new Set(changes.records.counts)).toEqual(expected);
    expect(changes.meta).toBe(true);
    expect(mine.changesSince(from + 41)).toEqual({ revision: from + 41, records: {}, meta: false });
    const doc = (await mine.read()).document!;
    expect(doc.label).toBe('metadata changed');
    expect('k0' in doc.counts).toBe(false);
  });

  it('mutate sees the state inside the lock, not a cached one: another handle\'s write is never lost', async () => {
    const [mine, theirs] = await backend.pair();
    await mine.update(bump('a'));
    await mine.read();
    await theirs.update(bump('a'));
    await mine.update(bump('a'));
    expect(await counts(theirs)).toEqual({ a: 3 });
  });

  it('changedSince: false for the stamp of the latest state, true once anything landed after it', async () => {
    const [mine, theirs] = await backend.pair();
    expect(await mine.changedSince(null)).toBe(true);
    await mine.update(bump('a'));
    const { stamp } = await mine.read();
    expect(await mine.changedSince(stamp)).toBe(false);
    await theirs.update(bump('b'));
    expect(await mine.changedSince(stamp)).toBe(true);
    const fresh = await mine.read();
    expect({ ...fresh.document?.counts }).toEqual({ a: 1, b: 1 });
    expect(await mine.changedSince(fresh.stamp)).toBe(false);
  });

  it('concurrent updates from both handles, each slow inside the lock, lose nothing', async () => {
    const [mine, theirs] = await backend.pair();
    const writers = Array.from({ length: 24 }, (_, i) =>
      (i % 2 ? mine : theirs).update(async (current) => {
        const next: Doc = current ?? { revision: 0, counts: {} };
        const before = next.counts.n ?? 0;
        await sleep(1); // the async recorder runs here in the vault: the lock must span it
        next.counts.n = before + 1;
        return { next, result: before };
      }),
    );
    const seenBefore = await Promise.all(writers);
    expect(new Set(seenBefore).size).toBe(24); // each writer saw a different state: none overlapped
    expect((await mine.read()).document?.revision).toBe(24);
    expect(await counts(mine)).toEqual({ n: 24 });
  });

  it("a handle's own reads, taken while its own writes land (a server refreshing per request), never lose track of the other handle's changes", async () => {
    const [mine, theirs] = await backend.pair();
    await mine.update(bump('a'));
    // Reads without the lock, back to back, for as long as the writes go on.
    let reading = true;
    const reads: Array<Promise<unknown>> = [];
    const reader = (async () => {
      while (reading) {
        reads.push(mine.read());
        await sleep(0);
      }
    })();
    try {
      for (let i = 0; i < 40; i++) {
        await Promise.all([mine.update(bump('a')), mine.read(), mine.read()]);
        await theirs.update(bump('b'));
        // What the other handle wrote is read from the next read on: never skipped, never read mid-line.
        expect(await counts(mine)).toEqual({ a: i + 2, b: i + 1 });
      }
    } finally {
      reading = false;
      await reader;
    }
    await Promise.all(reads);
    expect((await mine.read()).document?.revision).toBe(81);
  });

  it('watch tells a subscriber about a change landed through the other handle', async () => {
    const [mine, theirs] = await backend.pair();
    await mine.update(bump('a'));
    let unsubscribe = () => {};
    const notified = new Promise<void>((resolve) => {
      unsubscribe = mine.watch(resolve);
    });
    await theirs.update(bump('b'));
    await notified;
    unsubscribe();
    expect(await counts(mine)).toEqual({ a: 1, b: 1 });
  });
});

describe('FileStore across processes and crashes', () => {
  const run = (path: string, audit: string, key: string, times: number, fault?: string, compactAfterBytes?: number) =>
    new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
      const env = { ...process.env, ...(fault ? { BLINDFOLD_FAULT: fault } : {}) };
      const args = [WORKER, path, audit, 'bump', key, String(times), ...(compactAfterBytes ? [String(compactAfterBytes)] : [])];
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code, signal) => {
        // The dead writer's lock is taken over once 2.5 s old; ageing it stands for that wait.
        if (signal === 'SIGKILL' && existsSync(`${path}.lock`)) utimesSync(`${path}.lock`, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
        resolve({ code, signal, stderr });
      });
    });

  it('three processes bumping at once lose no update, and every revision is claimed once, in order', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const audit = join(dir, 'audit.txt');
    const results = await Promise.all(['a', 'b', 'c'].map((key) => run(path, audit, key, 15)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const store = fileStore(path);
    expect(await counts(store)).toEqual({ a: 15, b: 15, c: 15 });
    expect((await store.read()).document?.revision).toBe(45);
    const claims = readFileSync(audit, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[1]));
    expect(claims).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
  });

  /** Whether a change killed at this point had landed: only once its commit line is whole (a first document's snapshot holds none of its records). */
  const landed = (point: string) => point === 'after-commit';
  /** Whether its audit entry was written before the kill. */
  const claimed = (point: string) => ['after-audit', 'commit-partial', 'after-commit'].includes(point);

  it.each(FAULT_POINTS.map((p) => [p]))('kill -9 at %s: every committed change is there, and no change without its entry or the reverse', async (point) => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const audit = join(dir, 'audit.txt');
    const journalWrite = !SNAPSHOT_POINTS.includes(point);
    // Journal points: the vault exists (2 changes) and the 3rd write dies. Snapshot points: the creating write dies.
    if (journalWrite) expect((await run(path, audit, 'a', 2)).code).toBe(0);
    const killed = await run(path, audit, 'a', 1, `${point}:1`);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.stderr).toContain(`blindfold: FAULT ${point} (write 1)`);

    const before = journalWrite ? 2 : 0;
    const after = fileStore(path);
    const { document: doc, stamp } = await after.read();
    // A prepared change its writer left is read once, not on every call after.
    expect(await after.changedSince(stamp)).toBe(false);
    expect(doc?.revision ?? 0).toBe(before + (landed(point) ? 1 : 0));
    expect(doc?.counts.a ?? 0).toBe(before + (landed(point) ? 1 : 0));
    // The next writer settles what the dead one left, then lands its own change as the next revision.
    expect((await run(path, audit, 'b', 1)).code).toBe(0);
    const settled = fileStore(path);
    const final = (await settled.read()).document!;
    expect(final.revision).toBe(before + (landed(point) ? 1 : 0) + 1);
    expect({ ...final.counts }).toEqual({ ...(before + (landed(point) ? 1 : 0) ? { a: before + (landed(point) ? 1 : 0) } : {}), b: 1 });

    // Pair the audit file with the store: each claim lands or is aborted, each revision is claimed.
    const lines = existsSync(audit) ? readFileSync(audit, 'utf8').trim().split('\n') : [];
    const open = new Map<number, string>();
    for (const line of lines) {
      const [kind, r, key] = line.split(' ');
      if (kind === 'abort') open.delete(Number(r));
      else {
        expect(open.has(Number(r)), `revision ${r} claimed twice: ${lines.join(' | ')}`).toBe(false);
        open.set(Number(r), key!);
      }
    }
    if (journalWrite && claimed(point) && !landed(point)) expect(lines).toContain(`abort ${before + 1}`);
    const revisions = [...open.keys()].sort((x, y) => x - y);
    expect(revisions).toEqual(Array.from({ length: final.revision }, (_, i) => i + 1));
    expect(Math.max(0, ...revisions)).toBeLessThanOrEqual(final.revision);
  });

  it.each(SNAPSHOT_POINTS.map((p) => [p]))('kill -9 at %s of a compaction: the change before it stays, the journal it folded is not applied twice', async (point) => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const audit = join(dir, 'audit.txt');
    expect((await run(path, audit, 'a', 3)).code).toBe(0);
    // A threshold of 1 byte: the change lands, then the journal is folded into a new snapshot.
    const killed = await run(path, audit, 'a', 1, `${point}:1`, 1);
    expect(killed.stderr).toContain(`blindfold: FAULT ${point} (write 1)`);
    const doc = (await fileStore(path).read()).document!;
    expect(doc.revision).toBe(4);
    expect({ ...doc.counts }).toEqual({ a: 4 });
    expect((await run(path, audit, 'b', 2, undefined, 1)).code).toBe(0);
    const final = (await fileStore(path).read()).document!;
    expect(final.revision).toBe(6);
    expect({ ...final.counts }).toEqual({ a: 4, b: 2 });
    // Litter of the dead compaction (its temp file, a journal no snapshot names) is swept.
    const journals = readdirSync(dir).filter((n) => n.startsWith('doc.journal.'));
    expect(journals).toEqual([JSON.parse(readFileSync(path, 'utf8')).journal]);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const claims = readFileSync(audit, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[1]));
    expect(claims).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a reader that holds a vault across compactions by another handle sees every change, and a full re-read says so', async () => {
    const path = join(await tempDir(), 'doc.json');
    const writer = new FileStore<Doc>(path, { collections, checkDocument: (raw) => raw as Doc, compactAfterBytes: 1 });
    const reader = fileStore(path);
    await writer.update(bump('a'));
    const { stamp } = await reader.read();
    const firstSnapshot = readFileSync(path, 'utf8');
    for (let i = 0; i < 12; i++) await writer.update(bump(`k${i % 5}`));
    expect(readFileSync(path, 'utf8')).not.toBe(firstSnapshot); // compacted, more than once
    expect(await reader.changedSince(stamp)).toBe(true);
    const doc = (await reader.read()).document!;
    expect(doc.revision).toBe(13);
    expect({ ...doc.counts }).toEqual({ a: 1, k0: 3, k1: 3, k2: 2, k3: 2, k4: 2 });
    expect(reader.changesSince(1)).toBeNull(); // it re-read the snapshot: it cannot name what changed
    expect(readdirSync(dirname(path)).filter((n) => n.startsWith('doc.journal.'))).toHaveLength(1);
    await writer.close();
    await reader.close();
  });

  it('refuses a journal line damaged in the middle, and leaves the files as they were', async () => {
    const dir = await tempDir();
    const path = join(dir, 'doc.json');
    const audit = join(dir, 'audit.txt');
    expect((await run(path, audit, 'a', 3)).code).toBe(0);
    const journal = JSON.parse(readFileSync(path, 'utf8')).journal as string;
    const text = readFileSync(join(dir, journal), 'utf8').replace('"p":2', '"p":7');
    spawnSync('sh', ['-c', `printf '%s' "$1" > "$2"`, 'sh', text, join(dir, journal)]);
    await expect(fileStore(path).read()).rejects.toMatchObject({ code: 'VAULT_CORRUPT' });
    expect(readFileSync(join(dir, journal), 'utf8')).toBe(text);
  });
});
