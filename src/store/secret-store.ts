/**
 * Where a vault's document lives (SPEC §7): one interface, one implementation per backend — the
 * lowdb file (file.ts, the embedded default), memory (memory.ts, for tests) and, later, PostgreSQL.
 * The vault above it owns the document's meaning; a store only keeps it, serialises writers and
 * says when it changed. Nothing here sees a plaintext value: the document holds ciphertext only.
 *
 * Contract every implementation keeps (test/contract/store.test.ts runs it against each):
 * - `update` is a compare-and-set under the store's lock: `mutate` receives the document as it is
 *   inside the lock (read afresh, never a cached copy), may take its time (it is awaited inside the
 *   lock — the audit trail records an admin change there, before the change lands), and its `next`
 *   lands whole or not at all. Concurrent updates, from this process or another, never lose one.
 * - every landed update raises the document's `revision` by one;
 * - documents handed out are the caller's own: changing one changes nothing stored.
 *
 * A PostgreSQL store fits the same shape: `update` is one transaction that locks the vault's row
 * (SELECT … FOR UPDATE), runs `mutate`, writes what differs from what it read (per secret, so a
 * `set` stays cheap at 100,000 secrets), bumps the revision and NOTIFYs; `changedSince` compares
 * revisions and `watch` is LISTEN. The master key never reaches it: documents hold ciphertext.
 */
import { BlindfoldError } from '../errors.js';

/** What a store keeps: any document that carries the revision the store maintains. */
export interface StoreDocument {
  revision: number;
}

export interface StoreSnapshot<D> {
  /** null when nothing has been stored yet. */
  document: D | null;
  /**
   * Names the stored state this snapshot was taken from, opaquely (a file's identity and size, a
   * revision): pass it to `changedSince` to learn cheaply whether anything landed after it.
   */
  stamp: string;
}

/** `next` is stored (its revision set by the store); without it nothing is written. */
export interface StoreChange<D, R> {
  next?: D;
  result: R;
}

export interface UpdateOptions {
  /** Refuse (VERSION_CONFLICT) unless the stored revision is still this one (0: nothing stored). */
  expectedRevision?: number;
}

export interface SecretStore<D extends StoreDocument> {
  /** Where the document lives, for messages (a path; never credentials). */
  readonly location: string;

  /** The current document without taking the lock: a reader always sees a whole committed state. */
  read(): Promise<StoreSnapshot<D>>;

  /**
   * Whether something landed after the snapshot that gave `stamp` (true for null). Pull, not push:
   * a caller that must see every write committed before it started (the broker, per request) asks
   * here, since a `watch` notification may still be on its way.
   */
  changedSince(stamp: string | null): Promise<boolean>;

  update<R>(mutate: (current: D | null) => StoreChange<D, R> | Promise<StoreChange<D, R>>, options?: UpdateOptions): Promise<R>;

  /** Calls `onChange` after changes land (here or elsewhere); may call it spuriously. Returns the unsubscribe. */
  watch(onChange: () => void): () => void;

  /** Stops watching and frees what the store holds; the store is not used afterwards. */
  close(): Promise<void>;
}

/** The revision a stored document has, or 0 when there is none yet. */
export function revisionOf(document: StoreDocument | null): number {
  return document?.revision ?? 0;
}

/** The compare of compare-and-set, run by each store inside its lock. */
export function assertExpectedRevision(current: StoreDocument | null, options: UpdateOptions | undefined, location: string): void {
  const expected = options?.expectedRevision;
  if (expected === undefined || expected === revisionOf(current)) return;
  throw new BlindfoldError(
    'VERSION_CONFLICT',
    `${location} changed since it was read (revision ${revisionOf(current)}, expected ${expected}); nothing was written: re-read and retry`,
  );
}
