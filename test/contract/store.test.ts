// One contract, every SecretStore implementation (SPEC §7): read, compare-and-set update under the
// lock, change detection and watch, and concurrent updates that lose nothing. The PostgreSQL store
// of a later issue joins the list below and must pass the same tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { SecretStore } from '../../src/store/secret-store.js';

interface Doc {
  revision: number;
  counts: Record<string, number>;
}

function parseDoc(text: string, path: string): Doc {
  const doc = JSON.parse(text) as Doc;
  if (typeof doc.revision !== 'number' || typeof doc.counts !== 'object') throw new Error(`${path} is not a test document`);
  return doc;
}

/** Two handles on the same stored document: for the file, two instances (as two processes would have). */
interface Backend {
  name: string;
  pair(): Promise<[SecretStore<Doc>, SecretStore<Doc>]>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const backends: Backend[] = [
  {
    name: 'MemoryStore',
    async pair() {
      const store = new MemoryStore<Doc>();
      cleanups.push(() => store.close());
      return [store, store];
    },
  },
  {
    name: 'FileStore',
    async pair() {
      const dir = await mkdtemp(join(tmpdir(), 'bf-store-'));
      const path = join(dir, 'nested', 'doc.json');
      const a = new FileStore<Doc>(path, parseDoc);
      const b = new FileStore<Doc>(path, parseDoc);
      cleanups.push(async () => {
        await a.close();
        await b.close();
        await rm(dir, { recursive: true, force: true });
      });
      return [a, b];
    },
  },
];

function bump(key: string) {
  return (current: Doc | null) => {
    const next: Doc = current ?? { revision: 0, counts: {} };
    next.counts[key] = (next.counts[key] ?? 0) + 1;
    return { next, result: next.counts[key] };
  };
}

describe.each(backends)('$name keeps the SecretStore contract', (backend) => {
  it('starts empty, and each landed update raises the revision by one', async () => {
    const [store] = await backend.pair();
    expect((await store.read()).document).toBeNull();
    await store.update(bump('a'));
    await store.update(bump('a'));
    expect((await store.read()).document).toEqual({ revision: 2, counts: { a: 2 } });
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
    expect((await store.read()).document).toEqual({ revision: 1, counts: { a: 1 } });
    await store.update(bump('a'));
    expect((await store.read()).document?.counts.a).toBe(2);
  });

  it('documents handed out are copies: changing one changes nothing stored', async () => {
    const [store] = await backend.pair();
    let handedToMutate: Doc | undefined;
    await store.update((current) => {
      const next = bump('a')(current);
      handedToMutate = next.next;
      return next;
    });
    const read = (await store.read()).document!;
    read.counts.a = 1000;
    handedToMutate!.counts.a = 2000;
    expect((await store.read()).document?.counts.a).toBe(1);
  });

  it('compare-and-set: a stale expected revision is refused with VERSION_CONFLICT and writes nothing', async () => {
    const [mine, theirs] = await backend.pair();
    await mine.update(bump('a'));
    const seen = (await mine.read()).document!.revision;
    await theirs.update(bump('b'));
    await expect(mine.update(bump('a'), { expectedRevision: seen })).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    expect((await mine.read()).document).toEqual({ revision: 2, counts: { a: 1, b: 1 } });
    await mine.update(bump('a'), { expectedRevision: 2 });
    await expect(mine.update(bump('a'), { expectedRevision: 0 })).rejects.toMatchObject({ code: 'VERSION_CONFLICT' });
    expect((await mine.read()).document?.counts.a).toBe(2);
  });

  it('mutate sees the state inside the lock, not a cached one: another handle\'s write is never lost', async () => {
    const [mine, theirs] = await backend.pair();
    await mine.update(bump('a'));
    await mine.read();
    await theirs.update(bump('a'));
    await mine.update(bump('a'));
    expect((await theirs.read()).document?.counts.a).toBe(3);
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
    expect(fresh.document?.counts).toEqual({ a: 1, b: 1 });
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
    expect((await mine.read()).document).toEqual({ revision: 24, counts: { n: 24 } });
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
    expect((await mine.read()).document?.counts).toEqual({ a: 1, b: 1 });
  });
});
