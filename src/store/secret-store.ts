/**
 * Where a vault's document lives (SPEC §7): one interface, one implementation per backend — the
 * file (file.ts: a lowdb-style snapshot plus an append-only journal, the embedded default), memory
 * (memory.ts, for tests) and, later, PostgreSQL. The vault above it owns the document's meaning; a
 * store keeps it per record, serialises writers and says what changed. Nothing here sees a
 * plaintext value: the document holds ciphertext only.
 *
 * A document is its metadata plus keyed collections (a vault's `secrets` and `retired`): one record
 * per key. Contract every implementation keeps (test/contract/store.test.ts runs it against each):
 * - `update` is a compare-and-set under the store's lock: `mutate` receives a copy-on-write draft of
 *   the document as it is inside the lock (caught up with every committed change, never a stale
 *   copy) and changes it in place; only the records it touched are compared and written, so a
 *   change costs what it touches. `expectedRevision` compares the store's revision;
 *   `expectedRecords` compares the revision at which each named record last changed (per-record CAS).
 * - a change and its audit entry land together (issue 19): `beforeCommit(revision)` runs after the
 *   change is prepared and before it lands; if it throws, nothing lands. A backend that cannot
 *   un-append (the file) tells `onAbandoned` about a prepared change whose writer died, so the audit
 *   trail can say that revision was aborted.
 * - every landed change raises the store's revision by one; `changesSince(revision)` names the
 *   records changed after it (so a server applies a change without re-reading 10,000 records).
 * - documents handed out by `read` are the store's: read-only to the caller.
 *
 * A PostgreSQL store fits the same shape: one row per record; `update` is one transaction that
 * locks the vault's row, writes the touched rows and the audit entry, bumps the revision and
 * NOTIFYs; `changesSince` reads a change table and `watch` is LISTEN.
 */
import { BlindfoldError } from '../errors.js';

/** What a store keeps: a document that carries the revision the store maintains. */
export interface StoreDocument {
  revision: number;
}

export interface StoreSnapshot<D> {
  /** null when nothing has been stored yet. The store's own: never change it. */
  document: D | null;
  /**
   * Names the stored state this snapshot was taken from, opaquely: pass it to `changedSince` to
   * learn cheaply whether anything landed after it.
   */
  stamp: string;
}

/** `next` (the draft `mutate` was given, or a first document) is stored; without it nothing is written. */
export interface StoreChange<D, R> {
  next?: D;
  result: R;
  /** Runs once the change is prepared, with the revision it will land as; a throw abandons it. */
  beforeCommit?: (revision: number) => Promise<void>;
}

export interface UpdateOptions {
  /** Refuse (VERSION_CONFLICT) unless the store's revision is still this one (0: nothing stored). */
  expectedRevision?: number;
  /** Refuse (VERSION_CONFLICT) unless each named record last changed at this revision (0: never written). */
  expectedRecords?: Record<string, Record<string, number>>;
}

/** What changed after a revision: keys per collection, and whether the metadata did. */
export interface StoreChanges {
  revision: number;
  records: Record<string, string[]>;
  meta: boolean;
}

export interface SecretStore<D extends StoreDocument> {
  /** Where the document lives, for messages (a path; never credentials). */
  readonly location: string;

  /** The current document, caught up without taking the lock: always a whole committed state. */
  read(): Promise<StoreSnapshot<D>>;

  /** The document as this store last read or wrote it, without looking for newer changes (synchronous). */
  lastRead(): D | null;

  /**
   * Whether something landed after the snapshot that gave `stamp` (true for null). Pull, not push:
   * a caller that must see every write committed before it started (the broker, per request) asks
   * here, since a `watch` notification may still be on its way.
   */
  changedSince(stamp: string | null): Promise<boolean>;

  /**
   * The records changed after `revision` and up to the document last handed out, or null when this
   * store cannot say (it re-read everything in between): then treat everything as changed.
   */
  changesSince(revision: number): StoreChanges | null;

  /** The revision at which a record last changed, as this store last read it (0: never written). */
  recordRevision(collection: string, key: string): number;

  update<R>(mutate: (current: D | null) => StoreChange<D, R> | Promise<StoreChange<D, R>>, options?: UpdateOptions): Promise<R>;

  /** Told of a prepared change whose writer died before it landed (the audit trail records the abort). */
  onAbandoned(handler: (revision: number) => Promise<void>): void;

  /**
   * A store several instances share (PostgreSQL) counts tokens' rates itself, so a rate holds across
   * all of them: takes `calls` from the principal's bucket of `perMinute`; undefined when they fit,
   * else the seconds to wait. Absent: each process counts its own (the file store has one server).
   */
  takeRate?(principal: string, perMinute: number, calls: number): Promise<number | undefined>;

  /** Calls `onChange` after changes land (here or elsewhere); may call it spuriously. Returns the unsubscribe. */
  watch(onChange: () => void): () => void;

  /** Stops watching and frees what the store holds; the store is not used afterwards. */
  close(): Promise<void>;
}

/** The revision a stored document has, or 0 when there is none yet. */
export function revisionOf(document: StoreDocument | null): number {
  return document?.revision ?? 0;
}

/** The compares of compare-and-set, run by each store inside its lock. */
export function assertExpected(
  current: StoreDocument | null,
  options: UpdateOptions | undefined,
  location: string,
  recordRevision: (collection: string, key: string) => number,
): void {
  const expected = options?.expectedRevision;
  if (expected !== undefined && expected !== revisionOf(current)) {
    throw conflict(`${location} changed since it was read (revision ${revisionOf(current)}, expected ${expected})`);
  }
  for (const [collection, keys] of Object.entries(options?.expectedRecords ?? {})) {
    for (const [key, want] of Object.entries(keys)) {
      const have = recordRevision(collection, key);
      if (have !== want) throw conflict(`${collection} ${key} changed since it was read (at revision ${have}, expected ${want})`);
    }
  }
}

function conflict(what: string): BlindfoldError {
  return new BlindfoldError('VERSION_CONFLICT', `${what}; nothing was written: re-read and retry`);
}

/** Merges the changes of several revisions (a bounded log each store keeps), or null past its reach. */
export function mergeChanges(log: readonly StoreChanges[], after: number, current: number): StoreChanges | null {
  if (after === current) return { revision: current, records: {}, meta: false };
  const first = log.findIndex((c) => c.revision === after + 1);
  if (first < 0 || log[log.length - 1]?.revision !== current) return null;
  const records: Record<string, Set<string>> = {};
  let meta = false;
  for (const change of log.slice(first)) {
    meta ||= change.meta;
    for (const [collection, keys] of Object.entries(change.records)) for (const k of keys) (records[collection] ??= new Set()).add(k);
  }
  return { revision: current, records: Object.fromEntries(Object.entries(records).map(([c, s]) => [c, [...s]])), meta };
}
