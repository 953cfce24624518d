/**
 * A store that keeps its document in this process only: for tests of everything above the store
 * (a vault in memory opens in microseconds and leaves nothing on disk). It keeps the same contract
 * as the file store — lock, drafts, per-record revisions, the change log, `beforeCommit` — so code
 * tested over it behaves the same over a file.
 */
import { BlindfoldError } from '../errors.js';
import { draftOf, metaOf, recordsOf } from './draft.js';
import { assertExpected, type SecretStore, type StoreChange, type StoreChanges, type StoreDocument, type StoreSnapshot, type UpdateOptions } from './secret-store.js';
import { StoreState } from './state.js';

export class MemoryStore<D extends StoreDocument> implements SecretStore<D> {
  readonly location: string;
  readonly #collections: readonly string[];
  #state: StoreState<D> | null = null;
  /** The tail of the queue of updates: each waits for the one before it (the lock). */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<() => void>();

  constructor(options: { initial?: D | null; location?: string; collections?: readonly string[] } = {}) {
    this.location = options.location ?? 'the in-memory vault';
    this.#collections = options.collections ?? [];
    if (options.initial) this.#state = new StoreState(structuredClone(options.initial), this.#collections, {});
  }

  async read(): Promise<StoreSnapshot<D>> {
    return { document: this.#state?.document ?? null, stamp: String(this.#state?.revision ?? 0) };
  }

  lastRead(): D | null {
    return this.#state?.document ?? null;
  }

  async changedSince(stamp: string | null): Promise<boolean> {
    return stamp !== String(this.#state?.revision ?? 0);
  }

  changesSince(revision: number): StoreChanges | null {
    return this.#state?.changesSince(revision) ?? null;
  }

  recordRevision(collection: string, key: string): number {
    return this.#state?.recordRevision(collection, key) ?? 0;
  }

  onAbandoned(): void {
    // Nothing is ever left half-written in memory.
  }

  update<R>(mutate: (current: D | null) => StoreChange<D, R> | Promise<StoreChange<D, R>>, options?: UpdateOptions): Promise<R> {
    const run = async (): Promise<R> => {
      const state = this.#state;
      assertExpected(state?.document ?? null, options, this.location, (c, k) => this.recordRevision(c, k));
      const draft = state ? draftOf(state.document, this.#collections) : undefined;
      const { next, result, beforeCommit } = await mutate(draft?.document ?? null);
      if (!next) return result;
      const revision = (state?.revision ?? 0) + 1;
      await beforeCommit?.(revision);
      if (next !== (draft?.document ?? next)) throw new BlindfoldError('INTERNAL', 'a store change must be made on the draft it was given');
      // Stored apart from the draft the caller still holds; a first document is its metadata, then change 1.
      const delta = structuredClone(draft ? draft.delta() : { records: recordsOf(next, this.#collections) });
      // (StoreState gives the metadata-only document its empty collections.)
      const target = state ?? (this.#state = new StoreState({ ...structuredClone(metaOf(next, this.#collections)), revision: 0 } as D, this.#collections, {}));
      target.apply({ revision, records: delta.records, ...(delta.meta ? { meta: delta.meta } : {}) });
      for (const listener of this.#listeners) queueMicrotask(listener);
      return result;
    };
    const done = this.#queue.then(run, run);
    this.#queue = done.catch(() => {});
    return done;
  }

  watch(onChange: () => void): () => void {
    const listener = () => onChange();
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
