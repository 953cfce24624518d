/**
 * The audit writer. JSON lines through pino into `audit.jsonl`, one hash chain shared by every
 * process that writes (CLI commands and servers), with a MAC'd head record beside it.
 *
 * Appends happen before a request leaves: if one rejects, the caller refuses the call (fail
 * closed). When the lock is free the entry is written synchronously inside `append` (the returned
 * promise is already settled); only a busy lock makes it wait, on timers (lock.ts). Each line is
 * written with write(2), so a crashed process loses nothing it appended; fsync is grouped (at most
 * every FSYNC_INTERVAL_MS), so a power loss can lose up to that much of the tail — which
 * `audit verify` then reports as a cut. The head record is written when the lease ends (lease.ts).
 *
 * So an agent cannot flush the trail (issue 18 item 7): entries are capped (cap.ts), repeated
 * refusals aggregated (aggregate.ts), files deleted by age only (retention.ts), and the disk quota
 * and each principal's share of it refuse appends rather than drop entries (quota.ts).
 */
import { fstatSync, fsyncSync, openSync, writeSync, constants as fsConstants, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { BlindfoldError } from '../../errors.js';
import { logger } from '../../log.js';
import { RefusalAggregator } from '../../audit/aggregate.js';
import { capFields } from '../../audit/cap.js';
import { macKey, macOf, type AuditEntry, type AuditFields } from '../../audit/chain.js';
import { chainEnd, closeQuietly, firstSeq, firstSeqOf, headPath, rotationFields, sameFile, unavailable, writeHeadRecord, type ChainHead } from './files.js';
import { Lease } from './lease.js';
import { AuditQuota, isQuotaRefusal, quotaRefusal } from '../../audit/quota.js';
import { DEFAULT_ROTATE_BYTES, type AuditLogOptions } from './options.js';
import { DAY_MS, DEFAULT_RETENTION_DAYS, planPruning, rotatedBytes, shiftRotated } from './retention.js';

export { headPath, isUnsignedNotice, rotatedPath } from './files.js';
export { appendUnsignedNotice } from './notice.js';
export { DEFAULT_ROTATE_BYTES, type AuditLogOptions };

const FSYNC_INTERVAL_MS = 1_000;
type Waiting = { fields: AuditFields; resolve: (entry: AuditEntry) => void; reject: (err: unknown) => void };

export class AuditLog {
  readonly path: string;
  readonly #key: ReturnType<typeof macKey>;
  readonly #vaultId: string;
  readonly #rotateBytes: number;
  readonly #retentionMs: number;
  readonly #now: () => number;
  readonly #quota: AuditQuota;
  readonly #aggregator: RefusalAggregator;
  #rotatedBytes = 0; // of the rotated files, read on opening the current one (only rotation changes them)
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
  readonly #lease: Lease;
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
    this.#retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS;
    this.#now = options.now ?? Date.now;
    this.#quota = new AuditQuota(options.quotaBytes, options.principalShare);
    this.#lease = new Lease(this.path, { taken: () => void (this.#sizeChecked = false), releasing: () => this.#writeHead() });
    // An aggregate is written when its window closes; a count that cannot be written is logged.
    const writeAggregate = (fields: AuditFields) =>
      void this.#enqueue(fields).catch((err: unknown) => logger().error({ code: (err as BlindfoldError).code, count: fields.count }, 'aggregated audit refusals could not be written'));
    this.#aggregator = new RefusalAggregator(writeAggregate, options.aggregateWindowMs);
    // pino serialises; the destination below captures the line so the write is ours to check.
    this.#pino = pino(
      { base: null, timestamp: false, formatters: { level: (label) => ({ level: label }) } },
      { write: (line: string) => void (this.#line = line) },
    );
  }

  /**
   * Appends one entry; rejects with AUDIT_UNAVAILABLE when it cannot be written (callers then
   * refuse). Resolves undefined when a repeated refusal was counted into an aggregate instead.
   */
  append(fields: AuditFields): Promise<AuditEntry | undefined> {
    const capped = capFields(fields);
    // Over its share, a principal's entries are refused before they are counted or aggregated.
    if (this.#quota.check(capped, 0, 0) === 'share') return Promise.reject(quotaRefusal('share'));
    if (!this.#aggregator.admit(capped, this.#now())) return Promise.resolve(undefined);
    return this.#enqueue(capped);
  }

  #enqueue(fields: AuditFields): Promise<AuditEntry> {
    if (this.#queue.length === 0) {
      try {
        if (this.#lease.tryTake()) return Promise.resolve(this.#write(fields));
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
          await this.#lease.take();
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
    let entry: AuditEntry;
    try {
      entry = this.#writeEntry(fd, fields);
    } catch (err) {
      // At the quota: entries past retention go first, then the append is tried once more.
      if (!isQuotaRefusal(err) || !this.#prune()) throw err;
      entry = this.#writeEntry(fd, fields);
    }
    if (this.#knownSize >= this.#rotateBytes) this.#rotate();
    return entry;
  }

  #writeEntry(fd: number, fields: AuditFields): AuditEntry {
    const head = this.#head!;
    const entry: AuditEntry = { time: new Date(this.#now()).toISOString(), seq: head.seq + 1, ...fields, prev: head.mac, mac: '' };
    entry.mac = macOf(this.#key, entry as unknown as Record<string, unknown>);
    this.#line = undefined;
    this.#pino.info(entry);
    const line = this.#line as string | undefined;
    if (!line) throw new Error('serialisation failed');
    const bytes = Buffer.from(line);
    const refused = this.#quota.check(fields, bytes.length, this.#rotatedBytes + this.#knownSize);
    if (refused) throw quotaRefusal(refused);
    if (writeSync(fd, bytes) !== bytes.length) throw new Error('short write');
    this.#knownSize += bytes.length;
    this.#fileFirst ??= entry.seq;
    this.#head = { seq: entry.seq, mac: entry.mac };
    this.#headDirty = true;
    this.#scheduleFsync();
    if (this.#quota.charge(fields, bytes.length)) {
      this.#writeEntry(fd, { action: 'audit.quota', principal: fields.principal, outcome: 'denied', reason: 'AUDIT_QUOTA: this principal filled its share of the audit quota with refused calls; its calls are refused from now on' });
    }
    return entry;
  }

  #failed(err: unknown): BlindfoldError {
    if (isQuotaRefusal(err)) return err as BlindfoldError; // the log is fine; only this entry is refused
    this.#closeFd();
    this.releaseLease();
    return unavailable(this.path, err);
  }

  /** Writes the head record and lets other writers in (tests call it to act as another process). */
  releaseLease(): void {
    this.#lease.release();
  }

  #writeHead(): void {
    try {
      if (this.#headDirty && this.#head) {
        this.#headFd ??= openSync(headPath(this.path), fsConstants.O_WRONLY | fsConstants.O_CREAT, 0o600);
        writeHeadRecord(this.#headFd, this.#key, { ...this.#head, ...(this.#fileFirst !== undefined ? { first: this.#fileFirst } : {}) });
      }
      this.#headDirty = false;
    } catch {
      // the head only lags; `audit verify` accepts a log longer than its head
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
    this.#aggregator.flush();
    this.releaseLease();
    clearTimeout(this.#timer);
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
      this.#rotatedBytes = rotatedBytes(this.path);
    }
    return this.#fd;
  }

  #closeFd(): void {
    closeQuietly(this.#fd);
    this.#fd = undefined;
    this.#head = undefined;
    this.#fileFirst = undefined;
  }

  /** The chain's current end (files.ts chainEnd); a rotation record the file lacks goes first now. */
  #readHead(fd: number, size: number): ChainHead {
    const end = chainEnd(fd, size, this.path, this.#vaultId);
    this.#rotatedFrom = end.rotatedFrom;
    return end.head;
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
   * Shifts audit.jsonl → .1 → .2 … and opens the new file with a signed `audit.rotated` entry
   * whose `prev` carries the chain on; then deletes what is past retention.
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
    this.#prune();
  }

  /** Deletes rotated files past retention, on signed record first (retention.ts); true if any went. */
  #prune(): boolean {
    const plan = planPruning(this.path, this.#key, this.#retentionMs, this.#now());
    if (!plan) return false;
    this.#writeEntry(this.#fd!, plan.fields);
    plan.remove();
    this.#rotatedBytes = rotatedBytes(this.path);
    return true;
  }
}
