/**
 * What every store keeps in memory: the document as of its last committed change, the revision at
 * which each record last changed (per-record compare-and-set), and a short log of recent changes
 * (`changesSince`). Changes are applied in place, record by record: a change costs what it touches.
 */
import { BlindfoldError } from '../errors.js';
import type { Delta } from './draft.js';
import type { PreparedChange } from './journal.js';
import { mergeChanges, type StoreChanges, type StoreDocument } from './secret-store.js';

/** Recent changes kept for `changesSince`; a reader further behind re-reads everything. */
const LOG_LIMIT = 256;

/** Per collection, the revision at which each record last changed. */
export type RecordRevisions = Record<string, Record<string, number>>;

/** Checks a record read from storage before it is used (the vault's schema); throws to refuse it. */
export type RecordCheck = (collection: string, key: string, record: unknown) => unknown;

export class StoreState<D extends StoreDocument> {
  readonly document: D;
  readonly revs: RecordRevisions;
  readonly #collections: readonly string[];
  readonly #log: StoreChanges[] = [];

  constructor(document: D, collections: readonly string[], revs: RecordRevisions) {
    this.document = document;
    this.#collections = collections;
    this.revs = revs;
    const doc = document as unknown as Record<string, unknown>;
    for (const c of collections) {
      doc[c] ??= {};
      revs[c] ??= {};
    }
  }

  get revision(): number {
    return this.document.revision;
  }

  recordRevision(collection: string, key: string): number {
    const revs = this.revs[collection];
    return revs && Object.hasOwn(revs, key) ? (revs[key] ?? 0) : 0;
  }

  /** Applies a committed change in place; records from storage pass `check` first. */
  apply(change: PreparedChange, check?: RecordCheck, checkMeta?: (meta: Record<string, unknown>) => Record<string, unknown>): void {
    const doc = this.document as unknown as Record<string, unknown>;
    const changed: Record<string, string[]> = {};
    // Check everything before changing anything: a refused change leaves the state as it was.
    const checked: Delta['records'] = Object.create(null) as Delta['records'];
    for (const [collection, records] of Object.entries(change.records)) {
      if (!this.#collections.includes(collection)) continue;
      checked[collection] = Object.create(null) as Record<string, unknown>;
      for (const [key, record] of Object.entries(records)) {
        // Whatever the document's checks say, a key that would reach a prototype is never one.
        if (key === '__proto__') throw new BlindfoldError('VAULT_CORRUPT', `a stored change holds the key "__proto__" in ${collection}; refused`);
        checked[collection][key] = record === null || !check ? record : check(collection, key, record);
      }
    }
    const meta = change.meta && checkMeta ? checkMeta(change.meta) : change.meta;
    for (const [collection, records] of Object.entries(checked)) {
      const target = doc[collection] as Record<string, unknown>;
      const revs = this.revs[collection]!;
      for (const [key, record] of Object.entries(records)) {
        if (record === null) delete target[key];
        else target[key] = record;
        revs[key] = change.revision;
      }
      changed[collection] = Object.keys(records);
    }
    if (meta) {
      // The metadata comes whole: a key it no longer has was removed.
      for (const key of Object.keys(doc)) if (!this.#collections.includes(key) && key !== 'revision' && !Object.hasOwn(meta, key)) delete doc[key];
      for (const [key, value] of Object.entries(meta)) if (!this.#collections.includes(key) && key !== 'revision') doc[key] = value;
    }
    doc.revision = change.revision;
    this.#log.push({ revision: change.revision, records: changed, meta: meta !== undefined });
    if (this.#log.length > LOG_LIMIT) this.#log.splice(0, this.#log.length - LOG_LIMIT);
  }

  changesSince(revision: number): StoreChanges | null {
    return mergeChanges(this.#log, revision, this.revision);
  }
}
