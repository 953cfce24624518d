/**
 * The vault file on disk: lowdb over an adapter that writes safely, plus a cross-process lock.
 *
 * lowdb's own JSONFile adapter (steno) writes through one fixed temp name without fsync, which two
 * processes can clobber and a crash can leave empty. Here every write goes to a unique temp file,
 * is fsynced, renamed over the vault and the folder is fsynced; read→modify→write happens inside a
 * proper-lockfile lock with a fresh read, so concurrent CLI processes and a server never lose an
 * update. A file that does not parse is refused and never written over.
 *
 * The write path carries crash points for the kill -9 tests (faults.ts): inert unless the
 * BLINDFOLD_FAULT variable names one, and then all they do is SIGKILL this process there.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, statSync } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import lockfile from 'proper-lockfile';
import { BlindfoldError } from '../errors.js';
import { beginWrite, faultPoint } from './faults.js';
import { vaultFileSchema, type VaultFile } from './schema.js';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
/** A lock whose holder was killed is taken over after this long (proper-lockfile's minimum is 2 s). */
const LOCK_STALE_MS = 2_500;

class AtomicJsonFile implements Adapter<VaultFile> {
  constructor(readonly path: string) {}

  async read(): Promise<VaultFile | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new BlindfoldError('VAULT_CORRUPT', `cannot read the vault file ${this.path}: ${(err as Error).message}`);
    }
    return parseVaultText(text, this.path);
  }

  /** This process's number for the latest write, for the crash points of the kill -9 tests (faults.ts). */
  lastWrite = 0;

  async write(data: VaultFile): Promise<void> {
    const n = beginWrite();
    this.lastWrite = n;
    const dir = dirname(this.path);
    const tmp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const bytes = Buffer.from(JSON.stringify(data, null, 1));
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

export function parseVaultText(text: string, path: string): VaultFile {
  const hint = 'it was left untouched; restore it from a backup, or move it aside to start a new vault';
  if (text.trim() === '') {
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is empty; ${hint}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is not valid JSON (truncated or damaged); ${hint}`);
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} holds ${JSON.stringify(parsed)} instead of a vault; ${hint}`);
  }
  const result = vaultFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join('.') || '(top level)' : '';
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is not a valid Blindfold vault (at ${where}); ${hint}`);
  }
  return result.data;
}

export interface StoreFingerprint {
  mtimeMs: number;
  size: number;
  ino: number;
}

/** One instance per process and vault file. */
export class VaultStore {
  readonly path: string;
  readonly #adapter: AtomicJsonFile;
  readonly #db: Low<VaultFile | null>;

  constructor(path: string) {
    this.path = path;
    this.#adapter = new AtomicJsonFile(path);
    this.#db = new Low<VaultFile | null>(this.#adapter as Adapter<VaultFile | null>, null);
  }

  async ensureFolder(): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
  }

  /** Reads the current file without locking: renames are atomic, so a reader sees a whole file. */
  async read(): Promise<VaultFile | null> {
    await this.#db.read();
    return this.#db.data;
  }

  /** Synchronous on purpose: called on every request, and a stat is cheaper than a thread-pool hop. */
  async fingerprint(): Promise<StoreFingerprint | null> {
    try {
      const st = statSync(this.path);
      return { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
    } catch {
      return null;
    }
  }

  /**
   * Read → modify → write under the cross-process lock. `mutate` gets the freshly read file (null
   * when there is none yet) and returns the new content, or undefined to write nothing.
   */
  async update<R>(mutate: (current: VaultFile | null) => { next?: VaultFile; result: R } | Promise<{ next?: VaultFile; result: R }>): Promise<R> {
    await this.ensureFolder();
    const release = await this.#lock();
    try {
      await this.#db.read();
      const { next, result } = await mutate(this.#db.data);
      if (next) {
        next.revision = (this.#db.data?.revision ?? 0) + 1;
        this.#db.data = next;
        await this.#db.write();
        await chmod(this.path, FILE_MODE);
        faultPoint('after-commit', this.#adapter.lastWrite);
      }
      await this.#removeStrayTempFiles();
      return result;
    } finally {
      await release().catch(() => {});
    }
  }

  async #lock(): Promise<() => Promise<void>> {
    try {
      return await lockfile.lock(this.path, {
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
        `the vault ${this.path} is locked by another Blindfold process and did not free up (${(err as Error).message})`,
      );
    }
  }

  /** A writer killed between creating and renaming its temp file leaves one behind; we hold the lock, so none is live. */
  async #removeStrayTempFiles(): Promise<void> {
    const dir = dirname(this.path);
    const prefix = `.${basename(this.path)}.`;
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
