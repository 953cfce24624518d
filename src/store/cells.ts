/**
 * The small pieces of shared state the wall keeps about principals and origins (suspensions, the
 * partial-hit allowance, origin quarantine) sit behind one seam, a cell: a synchronous read for the
 * request path and a serialised read→modify→write. The file cell is shared by every process of a
 * home; the memory cell is for tests. Policy code gets its cells from the home's state
 * (home-state.ts), never by path, so another backend (PostgreSQL) only has to provide another cell.
 *
 * File cell: a read is one stat per call (the file is parsed again only when it changed), and an
 * update runs under a proper-lockfile lock with a fresh read inside it, then writes a unique temp
 * file, fsyncs it and renames it into place: two processes never lose each other's update, and a
 * reader never sees half a file. A file that does not parse fails closed (INTERNAL, naming the
 * path): a damaged list must never read as "nobody is suspended".
 */
import { statSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import { lockFile, writeFileAtomically } from './file-io.js';

/** What an update decides: the new state (omitted: nothing to write) and what the caller gets back. */
export interface CellChange<T, R> {
  next?: T;
  result: R;
}

export interface StateCell<T> {
  /** The state as it is now (cheap: called on every request). Throws INTERNAL when the state is damaged. */
  read(): T;
  /** Read, change and write as one step, never interleaved with another update of the same state. */
  update<R>(change: (current: T) => CellChange<T, R>): Promise<R>;
  /** Replaces the state without reading it (an admin rewriting a damaged file). */
  overwrite(next: T): Promise<void>;
}

/** Tests: the same semantics in memory, updates serialised on one promise chain. */
export class MemoryCell<T> implements StateCell<T> {
  #state: T;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(initial: T) {
    this.#state = structuredClone(initial);
  }

  read(): T {
    return this.#state;
  }

  update<R>(change: (current: T) => CellChange<T, R>): Promise<R> {
    const run = this.#queue.then(() => {
      const { next, result } = change(structuredClone(this.#state));
      if (next !== undefined) this.#state = next;
      return result;
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async overwrite(next: T): Promise<void> {
    await this.update(() => ({ next, result: undefined }));
  }
}

export class FileCell<T> implements StateCell<T> {
  readonly path: string;
  readonly #schema: z.ZodType<T>;
  readonly #empty: () => T;
  /** What the file is, for error messages ("the suspension list"). */
  readonly #what: string;
  #cached: T;
  #stamp = '';

  constructor(path: string, schema: z.ZodType<T>, empty: () => T, what: string) {
    this.path = path;
    this.#schema = schema;
    this.#empty = empty;
    this.#what = what;
    this.#cached = empty();
  }

  read(): T {
    // No file is the usual case: asked not to throw, stat skips building an error per request.
    let st;
    try {
      st = statSync(this.path, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (!st) {
      this.#stamp = '';
      this.#cached = this.#empty();
      return this.#cached;
    }
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    if (stamp === this.#stamp) return this.#cached;
    this.#cached = this.#parse(this.#readText());
    this.#stamp = stamp;
    return this.#cached;
  }

  async update<R>(change: (current: T) => CellChange<T, R>): Promise<R> {
    const release = await this.#lock();
    try {
      // Fresh inside the lock: another process may have written since our last read.
      this.#stamp = '';
      const { next, result } = change(structuredClone(this.read()));
      if (next !== undefined) await this.#write(next);
      return result;
    } finally {
      await release().catch(() => {});
    }
  }

  async overwrite(next: T): Promise<void> {
    const release = await this.#lock();
    try {
      await this.#write(next);
    } finally {
      await release().catch(() => {});
    }
  }

  #readText(): string {
    try {
      return readFileSync(this.path, 'utf8');
    } catch (err) {
      throw new BlindfoldError('INTERNAL', `${this.#what} ${this.path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  #parse(text: string): T {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BlindfoldError('INTERNAL', `${this.#what} ${this.path} is damaged (not JSON); fix or remove it`);
    }
    const result = this.#schema.safeParse(parsed);
    if (!result.success) throw new BlindfoldError('INTERNAL', `${this.#what} ${this.path} is not valid; fix or remove it`);
    return result.data;
  }

  async #write(next: T): Promise<void> {
    await writeFileAtomically(this.path, `.${basename(this.path)}.`, Buffer.from(`${JSON.stringify(next, null, 2)}\n`));
    this.#stamp = '';
  }

  async #lock(): Promise<() => Promise<void>> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    return lockFile(this.path, (reason) => new BlindfoldError('INTERNAL', `${this.#what} ${this.path} stayed locked by another Blindfold process (${reason})`));
  }
}
