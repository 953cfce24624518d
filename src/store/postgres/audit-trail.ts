/**
 * The audit trail on PostgreSQL (issue 22): one row per entry, the same chain as the file's (each
 * entry MAC'd and linked to the one before). Appends from every instance take one transaction-level
 * advisory lock, read the head inside it and insert the next seq, so the chain stays one chain
 * whatever instance wrote each entry (`verify` passes across instances); the primary key on seq
 * refuses a second entry at a seq should the lock ever be bypassed. An entry appended from the
 * `beforeCommit` of a PostgreSQL store's change on the same database is written in that change's
 * transaction (transaction.ts): the change and its entry land together or not at all. Other appends
 * are grouped (audit-group.ts): those that arrive while one append transaction is in flight are
 * written together by the next, so the lock is held across one COMMIT for many entries.
 *
 * The reader half of the AuditTrail interface (query, usage, verify) is synchronous today, and a
 * database can only be read asynchronously. So `refresh` (and `open`) read the rows whole, and the
 * trail keeps what they give, brought up to date under the lock by every append (entries of other
 * instances included): the usage figures and the chain's head for as long as it lives, and the
 * entries themselves for ENTRIES_HELD_MS only. A team server appends for months: a mirror of every
 * row kept for its life grew with the table (some 1 KB of memory per call). `query` and `verify`
 * answer from the entries while they are held and refuse (AUDIT_UNAVAILABLE, "refresh it first")
 * once they are dropped, so a reader awaits `readyTrail` (a fresh read) right before it reads:
 * `verifyStored` is that for `verify`. Retention (pruning with a signed `audit.pruned`) is not
 * implemented here yet.
 */
import { BlindfoldError } from '../../errors.js';
import { capFields } from '../../audit/cap.js';
import { genesis, macKey, macOf, type AuditEntry, type AuditFields } from '../../audit/chain.js';
import { RevisionClaims } from '../../audit/claims.js';
import type { AuditTrail } from '../../audit/trail.js';
import { logger } from '../../log.js';
import { matches, type AuditFilter, type Usage, type VerifyResult } from '../audit/query.js';
import { countEntryUsage } from '../audit/retention.js';
import { chainOn, type ChainContext, type ChainKey, type Read } from './audit-chain.js';
import { GroupCommit, type GroupBounds } from './audit-group.js';
import type { PostgresConnection } from './connection.js';
import { queued, transactionOn } from './transaction.js';

export { AUDIT_LOCK } from './audit-chain.js';

/** How long the entries a `refresh` read stay in memory for `query` and `verify`. */
export const ENTRIES_HELD_MS = 60_000;

export interface PostgresAuditOptions {
  /** The chain key; without it the trail only reads (query, usage, notices: the home's auditReader). */
  key?: Uint8Array;
  vaultId: string;
  /** Test-only clock (entries' time). */
  now?: () => number;
  /** Bounds of a group commit (audit-group.ts; default DEFAULT_GROUP); `maxEntries: 1` writes a transaction per entry. */
  group?: Partial<GroupBounds>;
  /** Test-only: how long read entries are held (default ENTRIES_HELD_MS). */
  entriesHeldMs?: number;
}

export class PostgresAuditTrail implements AuditTrail {
  readonly #connection: PostgresConnection;
  readonly #key: ChainKey | undefined;
  readonly #vaultId: string;
  readonly #now: () => number;
  /** The rows as this instance last read them, in seq order, while held (null: dropped, or never read). */
  #entries: AuditEntry[] | null = null;
  /** The last row read: the chain's head. */
  #head: AuditEntry | undefined;
  /** Usage figures of every row read. */
  #usage = new Map<string, Usage>();
  /** Whether the rows were read at least once (by `refresh`, or by an append under the lock). */
  #loaded = false;
  readonly #heldMs: number;
  #drop: NodeJS.Timeout | undefined;
  #notices = 0;
  readonly #pending = new Set<Promise<unknown>>();
  /** Appends outside a store change: grouped, many entries per transaction. */
  readonly #group: GroupCommit;

  /** Whether `close` ends the connection (opened for this trail alone). */
  readonly #owned: boolean;

  private constructor(connection: PostgresConnection, options: PostgresAuditOptions, owned: boolean) {
    this.#connection = connection;
    this.#owned = owned;
    this.#key = options.key ? macKey(options.key) : undefined;
    this.#vaultId = options.vaultId;
    this.#now = options.now ?? Date.now;
    this.#heldMs = options.entriesHeldMs ?? ENTRIES_HELD_MS;
    this.#group = new GroupCommit((take) => this.#writeGroup(take), options.group);
  }

  /**
   * A trail whose rows are not read yet, for a caller that must have one synchronously (the home's
   * `audit()`): its readers refuse (AUDIT_UNAVAILABLE) until `refresh` or a first append read them,
   * rather than answer from nothing.
   */
  static unread(connection: PostgresConnection, options: PostgresAuditOptions, owned = false): PostgresAuditTrail {
    return new PostgresAuditTrail(connection, options, owned);
  }

  /** A trail on `connection`'s database, its rows read (the schema must be there: initSchema). */
  static async open(connection: PostgresConnection, options: PostgresAuditOptions, owned = false): Promise<PostgresAuditTrail> {
    const trail = new PostgresAuditTrail(connection, options, owned);
    try {
      await trail.refresh();
    } catch (err) {
      if (owned) await connection.close();
      throw err;
    }
    return trail;
  }

  /** Reads every row again: the mirror then holds exactly what the database holds. */
  async refresh(): Promise<void> {
    try {
      const [entries, notices] = await Promise.all([
        this.#connection.query<{ entry: AuditEntry }>('reading the audit trail', 'SELECT entry FROM blindfold_audit ORDER BY seq'),
        this.#connection.query<{ n: number }>('reading the audit trail', 'SELECT count(*)::int AS n FROM blindfold_audit_notices'),
      ]);
      this.#replace(entries.map((r) => r.entry));
      this.#notices = notices[0]?.n ?? 0;
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** Verification of the rows as stored now (not as last read). */
  async verifyStored(storeRevision?: number): Promise<VerifyResult> {
    await this.refresh();
    return this.verify(storeRevision);
  }

  async append(fields: AuditFields): Promise<AuditEntry> {
    const key = this.#keyFor('append to');
    const capped = capFields(fields);
    // Inside a change of the store on this database: in its transaction, landing with it or not at all.
    const transaction = transactionOn(this.#connection.location);
    if (!transaction) return structuredClone(await this.#group.append(capped));
    try {
      const read = await queued(transaction, () => chainOn(transaction.client, this.#context(key), () => [capped]));
      transaction.afterCommit.push(() => this.#merge(read));
      return structuredClone(read.written[0]!);
    } catch (err) {
      throw unavailable(this.#connection.translate(err, 'appending to the audit trail'));
    }
  }

  /** One group commit's transaction (audit-group.ts): its entries, once committed, in the mirror. */
  async #writeGroup(take: () => AuditFields[]): Promise<AuditEntry[]> {
    const doing = 'appending to the audit trail';
    const key = this.#keyFor('append to');
    try {
      const read = await this.#connection.withClient(doing, async (client) => {
        try {
          await client.query('BEGIN');
          const written = await chainOn(client, this.#context(key), take);
          await client.query('COMMIT');
          return written;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        }
      });
      this.#merge(read);
      return read.written;
    } catch (err) {
      // Rows this instance has not seen may exist now (a lost COMMIT answer): the next append reads them under the lock.
      throw unavailable(this.#connection.translate(err, doing));
    }
  }

  #context(key: ChainKey): ChainContext {
    return { key, vaultId: this.#vaultId, now: this.#now, last: () => this.#head };
  }

  /** The whole trail as just read: figures and head anew, the entries held for a while. */
  #replace(entries: AuditEntry[]): void {
    this.#usage = new Map();
    for (const e of entries) countEntryUsage(this.#usage, e);
    this.#head = entries.at(-1);
    this.#entries = entries;
    this.#loaded = true;
    clearTimeout(this.#drop);
    this.#drop = setTimeout(() => (this.#entries = null), this.#heldMs);
    // Holding entries must not keep a finished process alive.
    this.#drop.unref();
  }

  /**
   * Adds rows read under the lock to the mirror. Appends of this instance finish in any order (one
   * may read another's committed entry before that one got back here): a seq already held is skipped.
   */
  #merge({ rows, whole }: Read): void {
    // Rows read from seq 1 under the lock (a first append, or a restored trail) are the whole
    // trail; a restored one replaces what was read (which may then miss entries merged meanwhile:
    // behind, never wrong).
    if (whole || (rows[0]?.seq === 1 && !this.#loaded)) {
      this.#replace(rows.slice());
      return;
    }
    for (const row of rows) {
      if (row.seq <= (this.#head?.seq ?? 0)) continue;
      countEntryUsage(this.#usage, row);
      this.#entries?.push(row);
      this.#head = row;
    }
  }

  query(filter: AuditFilter = {}): AuditEntry[] {
    return this.#read().filter((e) => matches(e, filter)).map((e) => structuredClone(e));
  }

  usage(): Map<string, Usage> {
    // Kept past the entries' drop; never read at all, there are no figures to give (fail closed).
    if (!this.#loaded) throw notRead();
    return new Map([...this.#usage].map(([name, u]) => [name, { ...u }]));
  }

  /** An entry outside the chain; written in the background (the interface gives no way to wait), a failure logged. */
  notice(fields: AuditFields): void {
    const write = this.#connection
      .query('writing an audit notice', 'INSERT INTO blindfold_audit_notices (notice) VALUES ($1)', [JSON.stringify(capFields(fields))])
      .then(() => void this.#notices++)
      .catch((err: unknown) => logger().error({ code: (err as { code?: string }).code }, 'an audit notice could not be written to PostgreSQL'))
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }

  /** The chain of the rows as last read (see `verifyStored`), and the pairing of claimed revisions with the store's. */
  verify(storeRevision?: number): VerifyResult {
    const key = this.#keyFor('verify');
    const entries = this.#read();
    const claims = new RevisionClaims();
    let prev = genesis(this.#vaultId);
    for (const [i, e] of entries.entries()) {
      const label = `entry ${i + 1} (seq ${e.seq})`;
      const problem =
        macOf(key, e as unknown as Record<string, unknown>) !== e.mac
          ? 'the MAC does not match — the entry was edited or forged'
          : e.seq !== i + 1 || e.prev !== prev
            ? 'does not follow the previous entry (inserted, removed or reordered)'
            : claims.see(e);
      if (problem) return { ok: false, entries: i, problem: `${label}: ${problem}` };
      prev = e.mac;
    }
    const landed = storeRevision === undefined ? undefined : claims.pastRevision(storeRevision);
    if (landed) return { ok: false, entries: entries.length, problem: landed };
    return { ok: true, entries: entries.length, ...(this.#notices ? { unsignedNotices: this.#notices } : {}) };
  }

  /** Entries are committed when `append` resolves; appends still queued or in flight, and notices on their way, are awaited here. */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending, this.#group.settled()]);
  }

  /** The entries read, while held: fail closed rather than answer "no entries" for rows not held. */
  #read(): AuditEntry[] {
    if (!this.#entries) throw notRead();
    return this.#entries;
  }

  #keyFor(doing: string): ChainKey {
    if (!this.#key) throw new BlindfoldError('INTERNAL', `this audit trail was opened without its key: it cannot ${doing} the chain`);
    return this.#key;
  }

  flush(): void {
    // Nothing is buffered past `append`: an entry is committed before its promise resolves.
  }

  close(): void {
    clearTimeout(this.#drop);
    this.#entries = null;
    // A shared connection is its owner's to end; one of our own ends once pending notices are written.
    if (this.#owned) void this.settled().then(() => this.#connection.close());
  }
}

function notRead(): BlindfoldError {
  return new BlindfoldError('AUDIT_UNAVAILABLE', 'the audit trail in PostgreSQL has not been read yet (refresh it first)');
}

function unavailable(err: unknown): BlindfoldError {
  if (err instanceof BlindfoldError && err.code === 'AUDIT_UNAVAILABLE') return err;
  const code = err instanceof BlindfoldError ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return new BlindfoldError('AUDIT_UNAVAILABLE', `the audit trail cannot be written or read: ${message}`, { cause: code });
}
