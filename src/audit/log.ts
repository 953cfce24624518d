/**
 * The audit writer. JSON lines through pino into `audit.jsonl`, one hash chain shared by every
 * process that writes (CLI commands and servers), with a MAC'd head record beside it.
 *
 * Appends are synchronous and happen before a request leaves: if one throws, the caller refuses
 * the call (fail closed). Each line is written with write(2), so a crashed process loses nothing it
 * appended; fsync is grouped (at most every FSYNC_INTERVAL_MS), so a power loss can lose up to that
 * much of the tail — which `audit verify` then reports as a cut.
 *
 * Cross-process ordering uses a tiny O_EXCL lock file rather than proper-lockfile: an append is on
 * the request hot path. A writer keeps the lock as a short lease (LEASE_MS) across its appends and
 * writes the head record when it lets go, so a burst of requests pays for one lock, not one per
 * entry. A lock left by a killed process is recognised by its dead pid.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync, constants as fsConstants, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { BlindfoldError } from '../errors.js';
import { genesis, macOf, type AuditEntry, type AuditFields } from './chain.js';

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
const HEAD_RECORD_BYTES = 256;
const LOCK_WAIT_MS = 5_000;
export const DEFAULT_ROTATE_BYTES = 10 * 1024 * 1024;
export const KEEP_ROTATED = 9;

export interface AuditLogOptions {
  path: string;
  key: Uint8Array;
  vaultId: string;
  rotateBytes?: number;
}

interface ChainHead {
  seq: number;
  mac: string;
}

export function headPath(path: string): string {
  return `${path}.head`;
}

export function rotatedPath(path: string, n: number): string {
  return `${path}.${n}`;
}

export class AuditLog {
  readonly path: string;
  readonly #key: Uint8Array;
  readonly #vaultId: string;
  readonly #rotateBytes: number;
  #fd: number | undefined;
  #headFd: number | undefined;
  #knownSize = -1;
  #head: ChainHead | undefined;
  #dirty = false;
  #headDirty = false;
  #timer: NodeJS.Timeout | undefined;
  #releaseLock: (() => void) | undefined;
  #leaseTimer: NodeJS.Timeout | undefined;
  /** Whether, under the current lease, the file size was checked for other writers' entries. */
  #sizeChecked = false;
  #line: string | undefined;
  readonly #pino: Logger;

  constructor(options: AuditLogOptions) {
    this.path = options.path;
    this.#key = options.key;
    this.#vaultId = options.vaultId;
    this.#rotateBytes = options.rotateBytes ?? DEFAULT_ROTATE_BYTES;
    // pino serialises; the destination below captures the line so the write is ours to check.
    this.#pino = pino(
      { base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } },
      { write: (line: string) => void (this.#line = line) },
    );
  }

  /** Appends one entry; throws AUDIT_UNAVAILABLE when it cannot be written (callers then refuse). */
  append(fields: AuditFields): AuditEntry {
    this.#acquireLease();
    try {
      const fd = this.#open();
      if (!this.#sizeChecked || !this.#head) {
        // Another process may have appended since our last lease: re-read the chain's end.
        const size = fstatSync(fd).size;
        if (size !== this.#knownSize || !this.#head) this.#head = this.#readHead(fd, size);
        this.#knownSize = size;
        this.#sizeChecked = true;
      }
      const entry: AuditEntry = {
        time: new Date().toISOString(),
        seq: this.#head.seq + 1,
        ...fields,
        prev: this.#head.mac,
        mac: '',
      };
      entry.mac = macOf(this.#key, entry as unknown as Record<string, unknown>);
      this.#line = undefined;
      this.#pino.info(entry);
      const line = this.#line as string | undefined;
      if (!line) throw new Error('serialisation failed');
      const bytes = Buffer.from(line);
      if (writeSync(fd, bytes) !== bytes.length) throw new Error('short write');
      this.#knownSize += bytes.length;
      this.#head = { seq: entry.seq, mac: entry.mac };
      this.#headDirty = true;
      this.#scheduleFsync();
      if (this.#knownSize >= this.#rotateBytes) this.#rotate();
      return entry;
    } catch (err) {
      this.#closeFd();
      this.releaseLease();
      if (err instanceof BlindfoldError) throw err;
      throw new BlindfoldError(
        'AUDIT_UNAVAILABLE',
        `the audit log ${this.path} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ` +
          'calls that use secrets are refused until it can',
      );
    }
  }

  #acquireLease(): void {
    if (this.#releaseLock) return;
    const other = leaseHolders.get(this.path);
    if (other && other !== this) other.releaseLease();
    this.#releaseLock = lockAudit(this.path);
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
      if (this.#headDirty) this.#writeHead();
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
    if (this.#headFd !== undefined) {
      try {
        closeSync(this.#headFd);
      } catch {
        // already gone
      }
      this.#headFd = undefined;
    }
  }

  #open(): number {
    if (this.#fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      this.#fd = openSync(this.path, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
      this.#knownSize = -1;
    }
    return this.#fd;
  }

  #closeFd(): void {
    if (this.#fd !== undefined) {
      try {
        closeSync(this.#fd);
      } catch {
        // already gone
      }
    }
    this.#fd = undefined;
    this.#head = undefined;
  }

  /** The chain's current end: the last line of the file, or of the newest rotated file, or genesis. */
  #readHead(fd: number, size: number): ChainHead {
    const last = lastLine(fd, size);
    if (last) return parseHead(last, this.path);
    if (existsSync(rotatedPath(this.path, 1))) {
      const rfd = openSync(rotatedPath(this.path, 1), 'r');
      try {
        const line = lastLine(rfd, fstatSync(rfd).size);
        if (line) return parseHead(line, rotatedPath(this.path, 1));
      } finally {
        closeSync(rfd);
      }
    }
    return { seq: 0, mac: genesis(this.#vaultId) };
  }

  /**
   * The head record is rewritten in place (fixed size, padded) on a kept-open descriptor: a
   * truncating rewrite per entry costs ~0.17 ms on ext4, more than everything else an append does.
   */
  #writeHead(): void {
    if (!this.#head) return;
    const record = { seq: this.#head.seq, mac: this.#head.mac };
    const text = JSON.stringify({ ...record, sig: macOf(this.#key, { head: record }) });
    this.#headFd ??= openSync(headPath(this.path), fsConstants.O_WRONLY | fsConstants.O_CREAT, 0o600);
    writeSync(this.#headFd, text.padEnd(HEAD_RECORD_BYTES, ' '), 0);
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

  /** Shifts audit.jsonl → .1 → .2 …; the next entry's `prev` carries the chain into the new file. */
  #rotate(): void {
    this.flush();
    this.#closeFd();
    const oldest = rotatedPath(this.path, KEEP_ROTATED);
    if (existsSync(oldest)) unlinkSync(oldest);
    for (let n = KEEP_ROTATED - 1; n >= 1; n--) {
      const from = rotatedPath(this.path, n);
      if (existsSync(from)) renameSync(from, rotatedPath(this.path, n + 1));
    }
    renameSync(this.path, rotatedPath(this.path, 1));
  }
}

/** Serialises appends across processes with an O_EXCL lock file next to the log. */
function lockAudit(path: string): () => void {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lockPath, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lockPath);
        } catch {
          // removed by a stale-lock breaker; nothing to do
        }
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !existsSync(dirname(path))) {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        continue;
      }
      if (code !== 'EEXIST') {
        throw new BlindfoldError('AUDIT_UNAVAILABLE', `the audit log ${path} cannot be locked (${code ?? 'error'}); calls that use secrets are refused`);
      }
      breakStaleLock(lockPath);
      if (Date.now() > deadline) {
        throw new BlindfoldError('AUDIT_UNAVAILABLE', `the audit log ${path} stayed locked by another process; the call was refused`);
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/**
 * A process that cannot open the vault (wrong or missing key: `vault.sealed`) has no audit key, so
 * it cannot sign. It still leaves a notice, marked `"unsigned": true`, outside the chain: `audit`
 * shows it, `audit verify` counts it separately and the chain runs on across it. Best effort: a
 * notice that cannot be written is not an error of its own.
 */
export function appendUnsignedNotice(path: string, fields: AuditFields): void {
  try {
    if (!existsSync(dirname(path))) return;
    const release = lockAudit(path);
    try {
      const fd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
      try {
        writeSync(fd, `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), ...fields, unsigned: true })}\n`);
      } finally {
        closeSync(fd);
      }
    } finally {
      release();
    }
  } catch {
    // best effort, see above
  }
}

function breakStaleLock(lockPath: string): void {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8'));
    const age = Date.now() - statSync(lockPath).mtimeMs;
    let alive = true;
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 0);
      } catch (e) {
        alive = (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    } else {
      // Created but pid not yet written; only stale if it stays that way.
      alive = age < 1_000;
    }
    if (!alive) unlinkSync(lockPath);
  } catch {
    // it went away meanwhile
  }
}

/** The last chain entry of a file (unsigned notices skipped). */
function lastLine(fd: number, size: number): string | undefined {
  if (size <= 0) return undefined;
  const chunk = Math.min(size, 64 * 1024);
  const buf = Buffer.alloc(chunk);
  readSync(fd, buf, 0, chunk, size - chunk);
  const lines = buf.toString('utf8').split('\n').filter((l) => l.trim() !== '');
  while (lines.length > 0) {
    const line = lines.pop()!;
    if (!isUnsignedNotice(line)) return line;
  }
  return undefined;
}

export function isUnsignedNotice(line: string): boolean {
  try {
    return (JSON.parse(line) as { unsigned?: unknown }).unsigned === true;
  } catch {
    return false;
  }
}

function parseHead(line: string, file: string): ChainHead {
  try {
    const e = JSON.parse(line) as { seq?: unknown; mac?: unknown };
    if (typeof e.seq === 'number' && typeof e.mac === 'string') return { seq: e.seq, mac: e.mac };
  } catch {
    // fall through
  }
  throw new BlindfoldError('AUDIT_UNAVAILABLE', `the last line of the audit log ${file} is damaged; run \`blindfold audit verify\``);
}
