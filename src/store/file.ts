/**
 * The embedded default store: a snapshot (snapshot.ts) plus an append-only journal (journal.ts)
 * beside it, under a cross-process lock. A change appends its delta — only the records it touched —
 * so `set` into 10,000 secrets writes a few hundred bytes, not the whole vault (B5); a running server
 * reads only the journal lines after the ones it has. When the journal outgrows the snapshot, the
 * writer folds it in: a new snapshot names a new, empty journal, and the old one is removed.
 *
 * Every writer takes the lock (proper-lockfile), catches up with the journal, settles what a killed
 * writer left (a prepared change with no commit: the audit trail is told, then the line is cut),
 * and only then runs `mutate`. Readers take no lock: they apply committed lines only. A file of the
 * previous release (the whole document, `"format":1`) is migrated on first open, its copy kept
 * beside it as `<file>.v1.bak`. The write path carries the crash points of faults.ts.
 */
import { constants as fsConstants, type FSWatcher } from 'node:fs';
import { chmod, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BlindfoldError } from '../errors.js';
import { logger } from '../log.js';
import { draftOf, metaOf, recordsOf } from './draft.js';
import { faultPoint } from './faults.js';
import { ABSENT, identityOf, lockFile, sizeOf, sweep, syncFolder, watchNames } from './file-io.js';
import { appendChange, readTail, type PreparedChange } from './journal.js';
import { assertExpected, type SecretStore, type StoreChange, type StoreChanges, type StoreDocument, type StoreSnapshot, type UpdateOptions } from './secret-store.js';
import { backUpLegacy, FILE_MODE, journalPrefix, legacyRevisions, newJournalName, parseSnapshot, tempPrefix, writeSnapshot, type Snapshot } from './snapshot.js';
import type { FileStoreOptions } from './file-options.js';
import { StoreState } from './state.js';

const DIR_MODE = 0o700;
/** The journal is folded once past this and a quarter of the snapshot: a server's start parses both (B4). */
const COMPACT_MIN_BYTES = 256 * 1024;
const COMPACT_SNAPSHOT_SHARE = 4;

export type { FileStoreOptions };

/** One instance per process and file (SPEC §7). */
export class FileStore<D extends StoreDocument> implements SecretStore<D> {
  readonly location: string;
  readonly #options: FileStoreOptions<D>;
  readonly #watchers = new Set<FSWatcher>();
  #state: StoreState<D> | null = null;
  /** Identity of the snapshot file #state was loaded from. */
  #snapshotId = ABSENT;
  #journal = '';
  #journalFile = ''; // its path, kept: changedSince runs on every request
  #committedEnd = 0;
  #journalSeen = ''; // its identity (inode, size, mtime) when last read
  #dangling: number | undefined;
  #snapshotBytes = 0;
  #abandoned: ((revision: number) => Promise<void>) | undefined;

  constructor(path: string, options: FileStoreOptions<D>) {
    this.location = path;
    this.#options = options;
  }

  async read(): Promise<StoreSnapshot<D>> {
    await this.#catchUp(false);
    return { document: this.#state?.document ?? null, stamp: this.#stamp() };
  }

  lastRead(): D | null {
    return this.#state?.document ?? null;
  }

  /** Two synchronous stats on purpose: called on every request, and cheaper than a thread-pool hop. */
  async changedSince(stamp: string | null): Promise<boolean> {
    if (stamp === null || stamp !== this.#stamp()) return true;
    const id = identityOf(this.location);
    if (id !== this.#snapshotId) return true;
    // The journal as last read: a prepared change nobody committed (its writer died) is read once, not per call.
    return id !== ABSENT && identityOf(this.#journalPath()) !== this.#journalSeen;
  }

  changesSince(revision: number): StoreChanges | null {
    return this.#state?.changesSince(revision) ?? null;
  }

  recordRevision(collection: string, key: string): number {
    return this.#state?.recordRevision(collection, key) ?? 0;
  }

  onAbandoned(handler: (revision: number) => Promise<void>): void {
    this.#abandoned = handler;
  }

  async update<R>(mutate: (current: D | null) => StoreChange<D, R> | Promise<StoreChange<D, R>>, options?: UpdateOptions): Promise<R> {
    await mkdir(dirname(this.location), { recursive: true, mode: DIR_MODE });
    const release = await lockFile(this.location);
    try {
      await this.#catchUp(true);
      await this.#settleTail();
      const state = this.#state;
      assertExpected(state?.document ?? null, options, this.location, (c, k) => this.recordRevision(c, k));
      const draft = state ? draftOf(state.document, this.#options.collections) : undefined;
      const { next, result, beforeCommit } = await mutate(draft?.document ?? null);
      if (!next) return result;
      if (next !== (draft?.document ?? next)) throw new BlindfoldError('INTERNAL', 'a store change must be made on the draft it was given');
      // Stored apart from the draft the caller still holds.
      const delta = structuredClone(draft ? draft.delta() : { records: recordsOf(next, this.#options.collections) });
      // A first document: its metadata becomes a snapshot at revision 0, its records change 1.
      const target = state ?? (await this.#writeFirst(next));
      const change: PreparedChange = { revision: target.revision + 1, records: delta.records, ...(delta.meta ? { meta: delta.meta } : {}) };
      const refused = (revision: number) => this.#abandoned?.(revision);
      const start = this.#committedEnd;
      const { n, bytes } = await appendChange(this.#journalPath(), start, change, beforeCommit, refused);
      // A read of this process without the lock (a request's refresh) may have applied the commit
      // line already while this awaited: the end is set, never added to, and the change applied once.
      this.#committedEnd = start + bytes;
      if (target.revision < change.revision) target.apply(change);
      faultPoint('after-commit', n);
      const threshold = Math.max(this.#options.compactAfterBytes ?? COMPACT_MIN_BYTES, this.#snapshotBytes / COMPACT_SNAPSHOT_SHARE);
      if (this.#committedEnd > threshold) await this.#compact(target);
      await this.#sweep();
      return result;
    } finally {
      await release().catch(() => {});
    }
  }

  /** Watches the folder: a snapshot is renamed into place, and the journal's name changes with it. */
  watch(onChange: () => void): () => void {
    const snapshot = basename(this.location);
    const journals = journalPrefix(this.location);
    const watcher = watchNames(this.location, (name) => name === snapshot || name.startsWith(journals), onChange);
    this.#watchers.add(watcher);
    return () => {
      watcher.close();
      this.#watchers.delete(watcher);
    };
  }

  async close(): Promise<void> {
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers.clear();
  }

  #stamp(): string { return `${this.#snapshotId}@${this.#committedEnd}`; }

  #journalPath(name = this.#journal): string {
    if (name === this.#journal && this.#journalFile) return this.#journalFile;
    const path = join(dirname(this.location), name);
    if (name === this.#journal) this.#journalFile = path;
    return path;
  }

  /**
   * Brings #state up to the last committed change: the journal's new lines when the snapshot is the
   * one already loaded, else the whole snapshot and its journal. A compaction between our stat and
   * our read shows as a missing journal or a changed snapshot: read again.
   */
  async #catchUp(locked: boolean): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const id = identityOf(this.location);
      if (id === ABSENT) {
        this.#state = null;
        this.#snapshotId = ABSENT;
        return;
      }
      if (this.#state && id === this.#snapshotId) {
        if (await this.#applyJournal(this.#state, this.#committedEnd)) return;
        continue;
      }
      const text = await readFile(this.location, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const content = parseSnapshot(text, this.location);
      if (content.kind === 'legacy') {
        await this.#migrate(content.document, locked);
        continue;
      }
      const { snapshot } = content;
      const document = this.#options.checkDocument(snapshot.document, this.location);
      document.revision = snapshot.revision;
      const state = new StoreState(document, this.#options.collections, snapshot.revs);
      this.#journal = snapshot.journal;
      this.#journalFile = '';
      if (!(await this.#applyJournal(state, 0))) {
        if (identityOf(this.location) === id) throw damaged(this.location, `its journal ${snapshot.journal} is missing`);
        continue;
      }
      this.#state = state;
      this.#snapshotId = id;
      this.#snapshotBytes = text.length;
      return;
    }
    throw new BlindfoldError('VAULT_LOCKED', `the vault ${this.location} kept changing while it was read; try again`);
  }

  /** Applies the journal's committed lines after `from`; false when the journal is gone (compacted away) or the read is stale: read again. */
  async #applyJournal(state: StoreState<D>, from: number): Promise<boolean> {
    let bytes: Buffer;
    let seen = '';
    try {
      const handle = await open(this.#journalPath(), 'r');
      try {
        const st = await handle.stat();
        const size = st.size;
        seen = `${st.ino}:${st.size}:${st.mtimeMs}`;
        bytes = Buffer.alloc(Math.max(0, size - from));
        if (bytes.length > 0) await handle.read(bytes, 0, bytes.length, from);
      } finally {
        await handle.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    // Reads take no lock: another read or write of this process moved the state on meanwhile, so
    // what this one read is applied already or older (applying it would move #committedEnd back).
    if (state === this.#state && from !== this.#committedEnd) return false;
    const tail = readTail(bytes, from, state.revision, this.#journalPath());
    for (const change of tail.changes) state.apply(change, this.#options.checkRecord, this.#options.checkMeta);
    this.#committedEnd = tail.committedEnd;
    this.#dangling = tail.dangling;
    this.#journalSeen = seen;
    return true;
  }

  /** Under the lock: what a killed writer left after the last commit is cut, its revision reported first. */
  async #settleTail(): Promise<void> {
    if (!this.#state || sizeOf(this.#journalPath()) <= this.#committedEnd) return;
    const dangling = this.#dangling;
    if (dangling !== undefined) {
      if (this.#abandoned) await this.#abandoned(dangling);
      else logger().warn({ revision: dangling }, 'a change cut short by a crash was discarded with no audit trail attached to record it');
    }
    const handle = await open(this.#journalPath(), 'r+');
    try {
      await handle.truncate(this.#committedEnd);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.#dangling = undefined;
  }

  /** The first document's metadata as a snapshot at revision 0, with its (empty) journal; returns its state. */
  async #writeFirst(document: D): Promise<StoreState<D>> {
    const empty: Record<string, unknown> = { ...metaOf(document, this.#options.collections), revision: 0 };
    for (const c of this.#options.collections) empty[c] = {};
    await this.#writeSnapshotAndJournal({ revision: 0, revs: {}, document: empty });
    await this.#catchUp(true);
    if (!this.#state) throw new BlindfoldError('VAULT_NOT_FOUND', `${this.location} disappeared while it was created`);
    return this.#state;
  }

  /** Folds the journal into a new snapshot; the old journal goes once the new snapshot is in place. */
  async #compact(state: StoreState<D>): Promise<void> {
    const old = this.#journal;
    await this.#writeSnapshotAndJournal({ revision: state.revision, revs: state.revs, document: state.document });
    await unlink(this.#journalPath(old)).catch(() => {});
    await this.#catchUp(true);
  }

  /** A file of the previous release: kept as `<file>.v1.bak`, then rewritten as a snapshot with an empty journal. */
  async #migrate(raw: unknown, locked: boolean): Promise<void> {
    if (!locked) {
      const release = await lockFile(this.location);
      try {
        const content = parseSnapshot(await readFile(this.location, 'utf8'), this.location);
        if (content.kind === 'legacy') await this.#migrate(content.document, true);
      } finally {
        await release().catch(() => {});
      }
      return;
    }
    const document = this.#options.checkDocument(raw, this.location);
    const backup = await backUpLegacy(this.location);
    const revs = legacyRevisions(raw, this.#options.collections, document.revision);
    await this.#writeSnapshotAndJournal({ revision: document.revision, revs, document: raw });
    await this.#sweep(); // journals of a vault this file replaced (a restored backup) name nothing now
    this.#options.onMigrated?.(backup);
  }

  async #writeSnapshotAndJournal(snapshot: Omit<Snapshot, 'journal'>): Promise<void> {
    const journal = newJournalName(this.location);
    const handle = await open(this.#journalPath(journal), fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, FILE_MODE);
    await handle.sync().finally(() => handle.close());
    await writeSnapshot(this.location, { ...snapshot, journal });
    await chmod(this.location, FILE_MODE);
    this.#journal = journal;
    this.#journalFile = '';
  }

  /** Under the lock, no other writer is live: its temp files, and journals no snapshot names, are litter of a crash. */
  async #sweep(): Promise<void> {
    const temps = tempPrefix(this.location);
    const journals = journalPrefix(this.location);
    await sweep(this.location, (n) => (n.startsWith(temps) && n.endsWith('.tmp')) || (n.startsWith(journals) && n !== this.#journal));
  }
}

function damaged(location: string, what: string): BlindfoldError {
  return new BlindfoldError('VAULT_CORRUPT', `the vault ${location} is damaged (${what}); it was left untouched; restore it from a backup`);
}
