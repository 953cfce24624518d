/**
 * A copy-on-write draft of a stored document, so that a change costs what it touches, not the size
 * of the vault (B5). The document is split the way the store keeps it: keyed collections (a
 * vault's `secrets` and `retired` maps: one record per key) and the rest, its small metadata.
 *
 * `mutate` receives the draft and changes it in place as it would a plain copy. Reading a record
 * through a collection copies that record into the draft first, so nothing the caller does reaches
 * the stored document; the keys read, written or deleted are the only ones compared afterwards.
 * `delta()` says what differs: the records to write (null: deleted) and the metadata when it
 * changed. Untouched records are never copied or compared.
 */

/** What one change writes: per collection, the records by key (null deletes), and the metadata if it changed. */
export interface Delta {
  records: Record<string, Record<string, unknown>>;
  meta?: Record<string, unknown>;
}

type Collection = Record<string, unknown>;
const DELETED = Symbol('deleted');

export interface Draft<D> {
  document: D;
  delta(): Delta;
}

/** The metadata of a document: everything but its collections (and the revision the store keeps). */
export function metaOf(document: object, collections: readonly string[]): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) if (!collections.includes(key) && key !== 'revision') meta[key] = value;
  return meta;
}

/** A whole document's records as one change writes them (a first document). */
export function recordsOf(document: object, collections: readonly string[]): Delta['records'] {
  const records: Delta['records'] = {};
  for (const c of collections) {
    const collection = (document as Record<string, Record<string, unknown> | undefined>)[c];
    if (collection && Object.keys(collection).length > 0) records[c] = { ...collection };
  }
  return records;
}

export function draftOf<D extends object>(base: D, collections: readonly string[]): Draft<D> {
  const baseMeta = JSON.stringify(metaOf(base, collections));
  const shadows = new Map<string, Map<string, unknown>>();
  const document = structuredClone(metaOf(base, collections)) as Record<string, unknown>;
  document.revision = (base as Record<string, unknown>).revision;
  for (const name of collections) {
    const stored = ((base as Record<string, unknown>)[name] ?? {}) as Collection;
    const shadow = new Map<string, unknown>();
    shadows.set(name, shadow);
    document[name] = collectionDraft(stored, shadow);
  }
  return {
    document: document as D,
    delta() {
      const records: Delta['records'] = {};
      for (const name of collections) {
        const stored = ((base as Record<string, unknown>)[name] ?? {}) as Collection;
        const out: Record<string, unknown> = {};
        for (const [key, value] of shadows.get(name)!) {
          const was = Object.hasOwn(stored, key) ? stored[key] : undefined;
          if (value === DELETED) {
            if (was !== undefined) out[key] = null;
          } else if (was === undefined || JSON.stringify(value) !== JSON.stringify(was)) {
            out[key] = value;
          }
        }
        if (Object.keys(out).length > 0) records[name] = out;
      }
      const meta = metaOf(document, collections);
      return JSON.stringify(meta) === baseMeta ? { records } : { records, meta };
    },
  };
}

/**
 * A collection that reads through to the stored one and keeps every record it hands out, sets or
 * deletes in `shadow`. Enumeration (Object.keys, for…in, Object.values) sees stored keys merged
 * with the shadow's, so code walking the draft sees its own changes.
 */
function collectionDraft(stored: Collection, shadow: Map<string, unknown>): Collection {
  const present = (key: string) => (shadow.has(key) ? shadow.get(key) !== DELETED : Object.hasOwn(stored, key));
  const keys = () => {
    const out = Object.keys(stored).filter((k) => shadow.get(k) !== DELETED);
    for (const [k, v] of shadow) if (v !== DELETED && !Object.hasOwn(stored, k)) out.push(k);
    return out;
  };
  return new Proxy(Object.create(null) as Collection, {
    get(_target, key) {
      if (typeof key !== 'string') return undefined;
      if (shadow.has(key)) {
        const value = shadow.get(key);
        return value === DELETED ? undefined : value;
      }
      if (!Object.hasOwn(stored, key)) return undefined;
      const copy = structuredClone(stored[key]);
      shadow.set(key, copy);
      return copy;
    },
    set(_target, key, value) {
      if (typeof key !== 'string') return false;
      shadow.set(key, value);
      return true;
    },
    deleteProperty(_target, key) {
      if (typeof key === 'string') shadow.set(key, DELETED);
      return true;
    },
    has(_target, key) {
      return typeof key === 'string' && present(key);
    },
    ownKeys() {
      return keys();
    },
    getOwnPropertyDescriptor(_target, key) {
      if (typeof key !== 'string' || !present(key)) return undefined;
      // Enumeration only needs to know the key is there; a read goes through `get` (and copies).
      return { configurable: true, enumerable: true, writable: true, value: undefined };
    },
  });
}
