/**
 * The audit writer. JSON lines through pino into `audit.jsonl`, one hash chain shared by every
 * process that writes (CLI commands and servers), with a MAC'd head record beside it.
 *
 * Appends happen before a request leaves: if one rejects, the caller refuses the call (fail
 * closed). When the lock is free the entry is written synchronously inside `append` (the returned
 * promise is already settled); only a busy lock makes it wait, on timers (lock.ts). Each line is
 * written with write(2), so a crashed process loses nothing it appended; fsync is grouped (at most
 * every FSYNC_INTERVAL_MS), so a power loss can lose up to that much of the tail — which
 * `audit verify` then reports as a cut.
 *
 * A writer keeps the lock as a short lease (LEASE_MS) across its appends and writes the head record
 * when it lets go, so a burst of requests pays for one lock, not one per entry.
 */
import { fstatSync, fsyncSync, openSync, writeSync, constants as fsConstants, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { BlindfoldError } from '../errors.js';
import { genesis, macKey, macOf, type AuditEntry, type AuditFields } from './chain.js';
import {
  closeQuietly, endOfPrevious, firstSeq, firstSeqOf, headPath, lastLine, parseHead, rotationFields, sameFile, shiftRotated, unavailable, writeHeadRecord, type ChainHead,
} from './files.js';
import { lockAudit, STALE_LOCK_MS, tryLockAudit, type Release } from './lock.js';

export { headPath, isUnsignedNotice, KEEP_ROTATED, rotatedPath } from './files.js';
export { appendUnsignedNotice } from './notice.js';

const FSYNC_INTERVAL_MS = 1_000;
/**
 * How long a writer keeps the cross-process lock after an append. Under load the lock file's
 * create/unlink (the costliest part of an append) is paid once per lease, not once per entry; a
 * CLI process that wants to append meanwhile waits at most this long.
 */
const LEASE_MS = 10;
/** The writer holding the lease on each path in this process (two instances must not deadlock). */
const leaseHolders = new Map<string, AuditLog>();
// A process ending while it holds a lease lets go at once (a killed one is detected by its pid).
process.once('exit', () => {
  for (const holder of [...leaseHolders.values()]) holder.releaseLease();
});
export const DEFAULT_ROTATE_BYTES = 10 * 1024 * 1024;

export interface AuditLogOptions {
  path: string;
  key: Uint8Array;
  vaultId: string;
  rotateBytes?: number;
}

interface Waiting {
  fields: AuditFields;
  resolve: (entry: AuditEntry) => void;
  reject: (err: unknown) => void;
}

export class AuditLog {
  readonly path: string;
  readonly #key: ReturnType<typeof macKey>;
  readonly #vaultId: string;
  readonly #rotateBytes: number;
  #fd: number | undefined;
  #headFd: number | undefined;
  #knownSize = -1;
  #head: ChainHead | undefined;
  /** Seq of the first entry of the open file (kept in the head record). */
  #fileFirst: number | undefined;
  /** Set when the file was found rotated without its `audit.rotated` entry (a crash mid-rotation). */
  #rotatedFrom: number | undefined;
  #dirty = false;
  #headDirty = false;
  #timer: NodeJS.Timeout | undefined;
  #releaseLock: Release | undefined;
  #leaseTimer: NodeJS.Timeout | undefined;
  #leaseStart = 0;
  /** Whether, under the current lease, the file was checked for other writers' entries. */
  #sizeChecked = false;
  /** Appends waiting for a busy lock, in call order (later calls queue behind them). */
  readonly #queue: Waiting[] = [];
  #draining = false;
  #line: string | undefined;
  readonly #pino: Logger;

  constructor(options: AuditLogOptions) {
    this.path = options.path;
    this.#key = macKey(options.key);
    this.#vaultId = options.vaultId;
    this.#rotateBytes = options.rotateBytes ?? DEFAULT_ROTATE_BYTES;
    // pino serialises; the destination below captures the line so the write is ours to check.
    this.#pino = pino(
      { base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } },
      { write: (line: string) => void (this.#line = line) },
    );
  }

  /** Appends one entry; rejects with AUDIT_UNAVAILABLE when it cannot be written (callers then refuse). */
  append(fields: AuditFields): Promise<AuditEntry> {
    if (this.#queue.length === 0) {
      try {
        if (this.#tryLease()) return Promise.resolve(this.#write(fields));
      } catch (err) {
        return Promise.reject(this.#failed(err));
      }
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ fields, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  /** Writes queued appends once the lock is ours; the wait is on timers, the thread stays free. */
  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        try {
          if (!this.#tryLease()) this.#takeLease(await lockAudit(this.path));
        } catch (err) {
          const failure = this.#failed(err);
          for (const w of this.#queue.splice(0)) w.reject(failure);
          return;
        }
        const next = this.#queue.shift()!;
        try {
          next.resolve(this.#write(next.fields));
        } catch (err) {
          next.reject(this.#failed(err));
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  #write(fields: AuditFields): AuditEntry {
    const fd = this.#open();
    if (!this.#sizeChecked || !this.#head) {
      // Another process may have appended since our last lease: re-read the chain's end.
      const size = fstatSync(fd).size;
      if (size !== this.#knownSize || !this.#head) this.#head = this.#readHead(fd, size);
      this.#knownSize = size;
      this.#sizeChecked = true;
    }
    if (this.#rotatedFrom !== undefined) {
      this.#writeEntry(fd, rotationFields(this.path, this.#rotatedFrom, this.#head.seq));
      this.#rotatedFrom = undefined;
    }
    const entry = this.#writeEntry(fd, fields);
    if (this.#knownSize >= this.#rotateBytes) this.#rotate();
    return entry;
  }

  #writeEntry(fd: number, fields: AuditFields): AuditEntry {
    const head = this.#head!;
    const entry: AuditEntry = { time: new Date().toISOString(), seq: head.seq + 1, ...fields, prev: head.mac, mac: '' };
    entry.mac = macOf(this.#key, entry as unknown as Record<string, unknown>);
    this.#line = undefined;
    this.#pino.info(entry);
    const line = this.#line as string | undefined;
    if (!line) throw new Error('serialisation failed');
    const bytes = Buffer.from(line);
    if (writeSync(fd, bytes) !== bytes.length) throw new Error('short write');
    this.#knownSize += bytes.length;
    this.#fileFirst ??= entry.seq;
    this.#head = { seq: entry.seq, mac: entry.mac };
    this.#headDirty = true;
    this.#scheduleFsync();
    return entry;
  }

  #failed(err: unknown): BlindfoldError {
    this.#closeFd();
    this.releaseLease();
    return unavailable(this.path, err);
  }

  /** Takes the lease if the lock is free (or already ours); false when another writer has it. */
  #tryLease(): boolean {
    // A lease held far longer than LEASE_MS means this thread stalled; another writer may have
    // broken the lock as stale meanwhile, so it is taken afresh.
    if (this.#releaseLock && performance.now() - this.#leaseStart > STALE_LOCK_MS / 2) this.releaseLease();
    if (this.#releaseLock) return true;
    const other = leaseHolders.get(this.path);
    if (other && other !== this) other.releaseLease();
    const release = tryLockAudit(this.path);
    if (!release) return false;
    this.#takeLease(release);
    return true;
  }

  #takeLease(release: Release): void {
    this.#releaseLock = release;
    this.#leaseStart = performance.now();
    leaseHolders.set(this.path, this);
    this.#sizeChecked = false;
    this.#leaseTimer = setTimeout(() => this.releaseLease(), LEASE_MS);
    this.#leaseTimer.unref();
  }

  /** Writes the head record and lets other writers in. Called by the lease timer and on close. */
  releaseLease(): void {
    if (!this.#releaseLock) return;
    clearTimeout(this.#leaseTimer);
    this.#leaseTimer = undefined;
    try {
      if (this.#headDirty && this.#head) {
        this.#headFd ??= openSync(headPath(this.path), fsConstants.O_WRONLY | fsConstants.O_CREAT, 0o600);
        writeHeadRecord(this.#headFd, this.#key, { ...this.#head, ...(this.#fileFirst !== undefined ? { first: this.#fileFirst } : {}) });
      }
      this.#headDirty = false;
    } catch {
      // the head only lags; `audit verify` accepts a log longer than its head
    } finally {
      const release = this.#releaseLock;
      this.#releaseLock = undefined;
      if (leaseHolders.get(this.path) === this) leaseHolders.delete(this.path);
      release();
    }
  }

  /** Forces buffered entries to disk (called on shutdown). */
  flush(): void {
    if (this.#fd !== undefined && this.#dirty) {
      try {
        fsyncSync(this.#fd);
        if (this.#headFd !== undefined) fsyncSync(this.#headFd);
      } catch {
        // the next append reports the problem
      }
      this.#dirty = false;
    }
  }

  close(): void {
    this.releaseLease();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.flush();
    this.#closeFd();
    closeQuietly(this.#headFd);
    this.#headFd = undefined;
  }

  #open(): number {
    // Once per lease: another process may have rotated the file this descriptor still points at.
    if (this.#fd !== undefined && !this.#sizeChecked && !sameFile(this.#fd, this.path)) this.#closeFd();
    if (this.#fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.#fd = openSync(this.path, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
      this.#knownSize = -1;
      this.#sizeChecked = false;
      this.#fileFirst = firstSeq(this.#fd);
    }
    return this.#fd;
  }

  #closeFd(): void {
    closeQuietly(this.#fd);
    this.#fd = undefined;
    this.#head = undefined;
    this.#fileFirst = undefined;
  }

  /** The chain's current end: the last line of the file, or of the newest rotated file, or genesis. */
  #readHead(fd: number, size: number): ChainHead {
    const last = lastLine(fd, size);
    if (last) return parseHead(last, this.path);
    const previous = endOfPrevious(this.path);
    if (!previous) return { seq: 0, mac: genesis(this.#vaultId) };
    // Rotated, but the rotation record never made it into this file: it goes first now.
    this.#rotatedFrom = previous.firstSeq;
    return previous.head;
  }

  #scheduleFsync(): void {
    this.#dirty = true;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, FSYNC_INTERVAL_MS);
    this.#timer.unref();
  }

  /**
   * Shifts audit.jsonl → .1 → .2 … (dropping the oldest past KEEP_ROTATED) and opens the new file
   * with a signed `audit.rotated` entry whose `prev` carries the chain on.
   */
  #rotate(): void {
    const from = this.#fileFirst ?? firstSeqOf(this.path) ?? 1;
    const head = this.#head;
    this.flush();
    this.#closeFd();
    shiftRotated(this.path);
    const fd = this.#open();
    this.#knownSize = fstatSync(fd).size;
    this.#sizeChecked = true;
    this.#head = head;
    this.#writeEntry(fd, rotationFields(this.path, from, head!.seq));
  }
}
