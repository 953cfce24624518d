/**
 * A store that keeps its document in this process only: for tests of everything above the store
 * (a vault in memory opens in microseconds and leaves nothing on disk). It keeps the same contract
 * as the file store, lock and all, so code tested over it behaves the same over a file.
 */
import { assertExpectedRevision, revisionOf, type SecretStore, type StoreChange, type StoreDocument, type StoreSnapshot, type UpdateOptions } from './secret-store.js';

export class MemoryStore<D extends StoreDocument> implements SecretStore<D> {
  readonly location: string;
  #document: D | null;
  /** The tail of the queue of updates: each waits for the one before it (the lock). */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<() => void>();

  constructor(initial: D | null = null, location = 'the in-memory vault') {
    this.location = location;
    this.#document = initial === null ? null : structuredClone(initial);
  }

  async read(): Promise<StoreSnapshot<D>> {
    return { document: this.#copy(), stamp: String(revisionOf(this.#document)) };
  }

  async changedSince(stamp: string | null): Promise<boolean> {
    return stamp !== String(revisionOf(this.#document));
  }

  update<R>(mutate: (current: D | null) => StoreChange<D, R> | Promise<StoreChange<D, R>>, options?: UpdateOptions): Promise<R> {
    const run = async (): Promise<R> => {
      const current = this.#copy();
      assertExpectedRevision(current, options, this.location);
      const { next, result } = await mutate(current);
      if (next) {
        next.revision = revisionOf(current) + 1;
        // Stored as a copy: the caller keeps using `next` as its own.
        this.#document = structuredClone(next);
        for (const listener of this.#listeners) queueMicrotask(listener);
      }
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

  #copy(): D | null {
    return this.#document === null ? null : structuredClone(this.#document);
  }
}
