/**
 * Group commit of the PostgreSQL audit trail (issue 22). Every append takes the chain's advisory
 * lock and commits while holding it (audit-chain.ts), so one transaction per entry puts a commit —
 * on durable storage a WAL flush — per entry in a row across the whole team, and PostgreSQL's own
 * group commit cannot merge commits the lock has already serialized. Here, the appends that arrive
 * while this instance's append transaction is in flight wait in a queue and are written together by
 * the next one: one lock, one catch-up, one INSERT, one COMMIT for up to `maxEntries` entries
 * (`maxBytes` of them). The file trail groups its fsyncs for the same reason (store/audit/log.ts).
 *
 * Acknowledgement: a caller's promise resolves only once the COMMIT holding its entry succeeded;
 * when the transaction fails, every caller of the group is rejected — none of its entries counts
 * as written (and the trail does not take them into its mirror: the next transaction reads the
 * chain's head again under the lock, whatever became of the failed one).
 */
import type { AuditEntry, AuditFields } from '../../audit/chain.js';

export interface GroupBounds {
  /** Entries one transaction may append (1: a transaction per entry, no grouping). */
  maxEntries: number;
  /** Their size, JSON bytes of the fields, roughly: the first entry is always taken whatever its size. */
  maxBytes: number;
}

/** Enough for any burst a team server makes, while one INSERT stays well under a few MB. */
export const DEFAULT_GROUP: GroupBounds = { maxEntries: 256, maxBytes: 1 << 20 };

/** The stamped part of an entry (time, seq, prev, mac) over its fields' JSON, about. */
const ENTRY_OVERHEAD_BYTES = 200;

interface Waiting {
  fields: AuditFields;
  bytes: number;
  resolve: (entry: AuditEntry) => void;
  reject: (err: unknown) => void;
}

/**
 * Writes one group: in one transaction, calls `take` once under the chain's lock and returns the
 * entries appended for what it gave, in order, once committed. It may fail before calling `take`.
 */
export type WriteGroup = (take: () => AuditFields[]) => Promise<AuditEntry[]>;

export class GroupCommit {
  readonly #bounds: GroupBounds;
  readonly #write: WriteGroup;
  readonly #queue: Waiting[] = [];
  #running: Promise<void> | undefined;

  constructor(write: WriteGroup, bounds: Partial<GroupBounds> = {}) {
    this.#write = write;
    this.#bounds = { maxEntries: Math.max(1, bounds.maxEntries ?? DEFAULT_GROUP.maxEntries), maxBytes: bounds.maxBytes ?? DEFAULT_GROUP.maxBytes };
  }

  /** Resolves with the entry once committed; rejects with the error of the transaction that held it. */
  append(fields: AuditFields): Promise<AuditEntry> {
    return new Promise<AuditEntry>((resolve, reject) => {
      this.#queue.push({ fields, bytes: Buffer.byteLength(JSON.stringify(fields)) + ENTRY_OVERHEAD_BYTES, resolve, reject });
      // Started now: nothing in flight means nothing to wait for (an append alone costs what it did).
      this.#running ??= this.#drain();
    });
  }

  /** Resolves once nothing is queued or in flight. */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        let group: Waiting[] | undefined;
        const take = () => (group = this.#take()).map((w) => w.fields);
        try {
          const entries = await this.#write(take);
          group?.forEach((w, i) => w.resolve(entries[i]!));
        } catch (err) {
          // Failed before the lock (database away): the group that was next is refused, not retried in a loop.
          for (const w of group ?? this.#take()) w.reject(err);
        }
      }
    } finally {
      this.#running = undefined;
    }
  }

  /** The next group off the queue, in arrival order (the chain's order), within the bounds. */
  #take(): Waiting[] {
    let count = 0;
    let bytes = 0;
    while (count < this.#queue.length && count < this.#bounds.maxEntries) {
      bytes += this.#queue[count]!.bytes;
      if (count > 0 && bytes > this.#bounds.maxBytes) break;
      count++;
    }
    return this.#queue.splice(0, count);
  }
}
