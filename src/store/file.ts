/**
 * The embedded default store: one JSON file, through lowdb over an adapter that writes safely, plus
 * a cross-process lock.
 *
 * lowdb's own JSONFile adapter (steno) writes through one fixed temp name without fsync, which two
 * processes can clobber and a crash can leave empty. Here every write goes to a unique temp file,
 * is fsynced, renamed over the file and the folder is fsynced; read→modify→write happens inside a
 * proper-lockfile lock with a fresh read, so concurrent CLI processes and a server never lose an
 * update. A file that does not parse is refused and never written over (`parse` throws).
 *
 * The write path carries crash points for the kill -9 tests (faults.ts): inert unless the
 * BLINDFOLD_FAULT variable names one, and then all they do is SIGKILL this process there.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, statSync, watch as watchFolder, type FSWatcher } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import lockfile from 'proper-lockfile';
import { BlindfoldError } from '../errors.js';
import { beginWrite, faultPoint } from './faults.js';
import { assertExpectedRevision, revisionOf, type SecretStore, type StoreChange, type StoreDocument, type StoreSnapshot, type UpdateOptions } from './secret-store.js';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
/** A lock whose holder was killed is taken over after this long (proper-lockfile's minimum is 2 s). */
const LOCK_STALE_MS = 2_500;
const ABSENT = 'absent';

/** Turns the file's text into a document, or throws (VAULT_CORRUPT) without touching the file. */
export type DocumentParser<D> = (text: string, path: string) => D;

class AtomicJsonFile<D> implements Adapter<D | null> {
  /** This process's number for the latest write, for the crash points of the kill -9 tests (faults.ts). */
  lastWrite = 0;

  constructor(
    readonly path: string,
    readonly parse: DocumentParser<D>,
  ) {}

  async read(): Promise<D | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new BlindfoldError('VAULT_CORRUPT', `cannot read the vault file ${this.path}: ${(err as Error).message}`);
    }
    return this.parse(text, this.path);
  }

  async write(data: D | null): Promise<void> {
    const n = beginWrite();
    this.lastWrite = n;
    const dir = dirname(this.path);
    const tmp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    // Compact: a server parses the whole file at start, and indentation was a seventh of it (B4).
    const bytes = Buffer.from(JSON.stringify(data));
    const half = bytes.length >> 1;
    const handle = await open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, FILE_MODE);
    try {
      // Two halves (writeFile continues at the handle's position) so a crash can land between them.
      await handle.writeFile(bytes.subarray(0, half));
      faultPoint('temp-partial', n);
      await handle.writeFile(bytes.subarray(half));
      faultPoint('after-temp-write', n);
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw err;
    }
    await handle.close();
    faultPoint('before-rename', n);
    await rename(tmp, this.path);
    faultPoint('after-rename', n);
    // The rename is only durable once the directory entry is.
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}

/** One instance per process and file (SPEC §7). */
export class FileStore<D extends StoreDocument> implements SecretStore<D> {
  readonly location: string;
  readonly #adapter: AtomicJsonFile<D>;
  readonly #db: Low<D | null>;
  readonly #watchers = new Set<FSWatcher>();

  constructor(path: string, parse: DocumentParser<D>) {
    this.location = path;
    this.#adapter = new AtomicJsonFile(path, parse);
    this.#db = new Low<D | null>(this.#adapter, null);
  }

  async read(): Promise<StoreSnapshot<D>> {
    // Stamp first: a write landing between the stat and the read makes the stamp older than the
    // document, which costs one extra read later; the other order could miss that write for good.
    const stamp = this.#stamp();
    await this.#db.read();
    return { document: this.#db.data, stamp };
  }

  /** A synchronous stat on purpose: called on every request, and cheaper than a thread-pool hop. */
  async changedSince(stamp: string | null): Promise<boolean> {
    return stamp === null || stamp === ABSENT || this.#stamp() !== stamp;
  }

  async update<R>(mutate: (current: D | null) => StoreChange<D, R> | Promise<StoreChange<D, R>>, options?: UpdateOptions): Promise<R> {
    await mkdir(dirname(this.location), { recursive: true, mode: DIR_MODE });
    const release = await this.#lock();
    try {
      await this.#db.read();
      const current = this.#db.data;
      assertExpectedRevision(current, options, this.location);
      const { next, result } = await mutate(current);
      if (next) {
        next.revision = revisionOf(current) + 1;
        this.#db.data = next;
        await this.#db.write();
        await chmod(this.location, FILE_MODE);
        faultPoint('after-commit', this.#adapter.lastWrite);
      }
      await this.#removeStrayTempFiles();
      return result;
    } finally {
      await release().catch(() => {});
    }
  }

  /** Watches the folder, not the file: every write renames a new file into place. */
  watch(onChange: () => void): () => void {
    const name = basename(this.location);
    const watcher = watchFolder(dirname(this.location), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) onChange();
    });
    watcher.on('error', () => {}); // the folder went away: callers still have changedSince
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

  #stamp(): string {
    try {
      const st = statSync(this.location);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return ABSENT;
    }
  }

  async #lock(): Promise<() => Promise<void>> {
    try {
      return await lockfile.lock(this.location, {
        realpath: false,
        stale: LOCK_STALE_MS,
        update: 1_000,
        retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 60, randomize: true },
        // Losing the lock mid-write would already have been caught by the re-read; just say so.
        onCompromised: () => {},
      });
    } catch (err) {
      throw new BlindfoldError(
        'VAULT_LOCKED',
        `the vault ${this.location} is locked by another Blindfold process and did not free up (${(err as Error).message})`,
      );
    }
  }

  /** A writer killed between creating and renaming its temp file leaves one behind; we hold the lock, so none is live. */
  async #removeStrayTempFiles(): Promise<void> {
    const dir = dirname(this.location);
    const prefix = `.${basename(this.location)}.`;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    await Promise.all(
      names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => unlink(join(dir, n)).catch(() => {})),
    );
  }
}
