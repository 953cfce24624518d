/**
 * Following the audit trail's files as they grow (`blindfold audit --follow`), the way `tail -F`
 * follows a log: the current file is read through a descriptor kept open, so when the writer
 * rotates it (audit.jsonl → audit.jsonl.1, log.ts) the rest of the old file is still read before
 * the new one is opened, and deleting rotated files past retention changes nothing here. Changes
 * are noticed by fs.watch on the folder (the file itself is renamed away) and by a poll, for file
 * systems where watching does not work.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { AuditEntry } from '../../audit/chain.js';
import { rotatedFiles } from './retention.js';

const CHUNK = 64 * 1024;
const DEFAULT_POLL_MS = 1000;

/** The trail read from its start, then read on from where the last read ended. */
export class AuditTail {
  #fd: number | undefined;
  #ino = -1;
  #offset = 0;
  #partial: Buffer = Buffer.alloc(0);
  /** Highest chain seq returned: an entry met twice (a file read before and after a rotation) is returned once. */
  #lastSeq = 0;
  #started = false;

  constructor(readonly path: string) {}

  /** Every entry on the first call (rotated files first, in chain order); after that, those appended since. */
  read(): AuditEntry[] {
    const out: AuditEntry[] = [];
    if (!this.#started) {
      this.#started = true;
      // The current file is opened first: if it is rotated meanwhile, this descriptor still holds it.
      this.#openCurrent();
      for (const { file } of rotatedFiles(this.path)) {
        if (this.#fd !== undefined && sameInode(file, this.#ino)) continue;
        this.#readWhole(file, out);
      }
    }
    for (;;) {
      if (this.#fd === undefined) this.#openCurrent();
      if (this.#fd === undefined) break;
      this.#drain(out);
      if (sameInode(this.path, this.#ino)) break;
      // Rotated (another file at the path now) or removed: the writer renames only after its last
      // write to the old file, so reading it once more gets everything it will ever hold.
      this.#drain(out);
      const old = this.#ino;
      this.close();
      this.#readRotatedAfter(old, out);
    }
    return out;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#ino = -1;
    this.#offset = 0;
    this.#partial = Buffer.alloc(0);
  }

  #openCurrent(): void {
    try {
      this.#fd = openSync(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // not written yet: the next read looks again
      throw err;
    }
    this.#ino = fstatSync(this.#fd).ino;
    this.#offset = 0;
    this.#partial = Buffer.alloc(0);
  }

  /** Reads the open file from the last offset to its end; a line not yet ended waits for the next read. */
  #drain(out: AuditEntry[]): void {
    if (this.#fd === undefined) return;
    const size = fstatSync(this.#fd).size;
    if (size < this.#offset) {
      // Cut in place (not something the writer does): read it again from the start.
      this.#offset = 0;
      this.#partial = Buffer.alloc(0);
    }
    const buf = Buffer.alloc(CHUNK);
    while (this.#offset < size) {
      const n = readSync(this.#fd, buf, 0, Math.min(CHUNK, size - this.#offset), this.#offset);
      if (n === 0) break;
      this.#offset += n;
      const data = Buffer.concat([this.#partial, buf.subarray(0, n)]);
      const end = data.lastIndexOf(0x0a);
      this.#partial = end < 0 ? data : Buffer.from(data.subarray(end + 1));
      if (end >= 0) this.#parse(data.subarray(0, end).toString('utf8'), out);
    }
  }

  /**
   * Files rotated out after the one just finished (several rotations between two reads): read
   * whole, oldest first. If that file is gone too, every rotated file is read; entries already
   * returned are recognised by their seq.
   */
  #readRotatedAfter(ino: number, out: AuditEntry[]): void {
    const files = rotatedFiles(this.path);
    const at = files.findIndex((f) => sameInode(f.file, ino));
    for (const { file } of at < 0 ? files : files.slice(at + 1)) this.#readWhole(file, out);
  }

  #readWhole(file: string, out: AuditEntry[]): void {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return; // deleted past retention meanwhile
    }
    try {
      const chunks: Buffer[] = [];
      const buf = Buffer.alloc(CHUNK);
      for (let pos = 0; ; ) {
        const n = readSync(fd, buf, 0, CHUNK, pos);
        if (n === 0) break;
        chunks.push(Buffer.from(buf.subarray(0, n)));
        pos += n;
      }
      this.#parse(Buffer.concat(chunks).toString('utf8'), out);
    } finally {
      closeSync(fd);
    }
  }

  #parse(text: string, out: AuditEntry[]): void {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let e: AuditEntry;
      try {
        e = JSON.parse(line) as AuditEntry;
      } catch {
        continue; // `audit verify` reports damage; following shows what can be read
      }
      if (typeof e.seq === 'number') {
        if (e.seq <= this.#lastSeq) continue;
        this.#lastSeq = e.seq;
      }
      out.push(e);
    }
  }
}

function sameInode(file: string, ino: number): boolean {
  try {
    return statSync(file).ino === ino;
  } catch {
    return false;
  }
}

export interface AuditFollower {
  stop(): void;
}

/**
 * Calls `onEntries` with the entries so far (even none), then with each batch appended, until `stop()`.
 * A read that fails ends the follow through `onError`.
 */
export function followAudit(
  path: string,
  onEntries: (entries: AuditEntry[]) => void,
  onError: (err: unknown) => void,
  options: { pollMs?: number } = {},
): AuditFollower {
  const tail = new AuditTail(path);
  let watcher: FSWatcher | undefined;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(poll);
    watcher?.close();
    tail.close();
  };
  let first = true;
  const check = () => {
    if (stopped) return;
    try {
      const entries = tail.read();
      // The first call says what there is so far, even nothing (a table prints its header then).
      if (entries.length > 0 || first) onEntries(entries);
      first = false;
    } catch (err) {
      stop();
      onError(err);
    }
  };
  const poll = setInterval(check, options.pollMs ?? DEFAULT_POLL_MS);
  try {
    const name = basename(path);
    watcher = watch(dirname(path), (_event, file) => {
      if (file === null || file.startsWith(name)) check();
    });
    watcher.on('error', () => watcher?.close()); // the poll carries on alone
  } catch {
    // no watching here (inotify limits, network file systems): the poll carries on alone
  }
  check();
  return { stop };
}
