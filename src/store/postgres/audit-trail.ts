/**
 * The audit trail on PostgreSQL (issue 22): one row per entry, the same chain as the file's (each
 * entry MAC'd and linked to the one before). Appends from every instance take one transaction-level
 * advisory lock, read the head inside it and insert the next seq, so the chain stays one chain
 * whatever instance wrote each entry (`verify` passes across instances); the primary key on seq
 * refuses a second entry at a seq should the lock ever be bypassed. An entry appended from the
 * `beforeCommit` of a PostgreSQL store's change on the same database is written in that change's
 * transaction (transaction.ts): the change and its entry land together or not at all.
 *
 * The reader half of the AuditTrail interface (query, usage, verify) is synchronous today, and a
 * database can only be read asynchronously. So this trail keeps a mirror of the rows: loaded whole
 * by `open` and `refresh`, and brought up to date under the lock by every append (entries of other
 * instances included). The readers answer from it: they see what this instance last read. That is
 * enough for usage figures, not for verification — an edit made in the database after the last
 * read is not seen until `refresh` — so `verifyStored` (async: refresh, then verify) is what an
 * `audit verify` on PostgreSQL must call, and the interface's readers should become async (report
 * of issue 22). Retention (pruning with a signed `audit.pruned`) is not implemented here yet.
 */
import { BlindfoldError } from '../../errors.js';
import { capFields } from '../../audit/cap.js';
import { genesis, macKey, macOf, type AuditEntry, type AuditFields } from '../../audit/chain.js';
import { RevisionClaims } from '../../audit/claims.js';
import type { AuditTrail } from '../../audit/trail.js';
import { logger } from '../../log.js';
import { matches, type AuditFilter, type Usage, type VerifyResult } from '../audit/query.js';
import { countEntryUsage } from '../audit/retention.js';
import type { PoolClient } from 'pg';
import type { PostgresConnection } from './connection.js';
import { queued, transactionOn } from './transaction.js';

/** pg_advisory_xact_lock key of the chain's head: "bfaudit" in ASCII, fixed across releases. */
export const AUDIT_LOCK = '27697116485020020';

type ChainKey = ReturnType<typeof macKey>;

/** Rows read under the chain's lock, the appended entry last; `whole`: every stored row (the mirror had diverged). */
interface Read {
  rows: AuditEntry[];
  whole: boolean;
}

export interface PostgresAuditOptions {
  /** The chain key; without it the trail only reads (query, usage, notices: the home's auditReader). */
  key?: Uint8Array;
  vaultId: string;
  /** Test-only clock (entries' time). */
  now?: () => number;
}

export class PostgresAuditTrail implements AuditTrail {
  readonly #connection: PostgresConnection;
  readonly #key: ChainKey | undefined;
  readonly #vaultId: string;
  readonly #now: () => number;
  /** The rows as this instance last read them, in seq order. */
  #entries: AuditEntry[] = [];
  /** Whether the rows were read at least once (by `refresh`, or by an append under the lock). */
  #loaded = false;
  #notices = 0;
  readonly #pending = new Set<Promise<unknown>>();

  /** Whether `close` ends the connection (opened for this trail alone). */
  readonly #owned: boolean;

  private constructor(connection: PostgresConnection, options: PostgresAuditOptions, owned: boolean) {
    this.#connection = connection;
    this.#owned = owned;
    this.#key = options.key ? macKey(options.key) : undefined;
    this.#vaultId = options.vaultId;
    this.#now = options.now ?? Date.now;
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
      this.#entries = entries.map((r) => r.entry);
      this.#notices = notices[0]?.n ?? 0;
      this.#loaded = true;
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
    const doing = 'appending to the audit trail';
    // Inside a change of the store on this database: in its transaction, landing with it or not at all.
    const transaction = transactionOn(this.#connection.location);
    try {
      if (transaction) {
        const read = await queued(transaction, () => this.#chainOn(transaction.client, key, capped));
        transaction.afterCommit.push(() => this.#merge(read));
        return structuredClone(read.rows.at(-1)!);
      }
      const read = await this.#connection.withClient(doing, async (client) => {
        try {
          await client.query('BEGIN');
          const written = await this.#chainOn(client, key, capped);
          await client.query('COMMIT');
          return written;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        }
      });
      this.#merge(read);
      return structuredClone(read.rows.at(-1)!);
    } catch (err) {
      // Rows this instance has not seen may exist now (a lost COMMIT answer): the next append reads them under the lock.
      throw unavailable(this.#connection.translate(err, doing));
    }
  }

  /**
   * In the caller's transaction: the chain's lock (held to its end), what other instances appended
   * since this one last read, and the next entry after them. Returns those rows, the new one last —
   * all of them (`whole`) when the database no longer holds this instance's last entry as it read
   * it (restored from a backup): the chain goes on from what is stored, never from the mirror.
   */
  async #chainOn(client: PoolClient, key: ChainKey, capped: AuditFields): Promise<Read> {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK]);
    const mine = this.#entries.at(-1);
    // From our last entry on (one round trip): it must still be there, unchanged.
    let rows = (await client.query<{ entry: AuditEntry }>('SELECT entry FROM blindfold_audit WHERE seq >= $1 ORDER BY seq', [mine?.seq ?? 0])).rows.map((r) => r.entry);
    const whole = mine !== undefined && rows[0]?.mac !== mine.mac;
    if (whole) rows = (await client.query<{ entry: AuditEntry }>('SELECT entry FROM blindfold_audit ORDER BY seq')).rows.map((r) => r.entry);
    const caughtUp = whole ? rows : rows.filter((e) => e.seq > (mine?.seq ?? 0));
    const last = caughtUp.at(-1) ?? (whole ? undefined : mine);
    const next: AuditEntry = {
      time: new Date(this.#now()).toISOString(),
      seq: (last?.seq ?? 0) + 1,
      ...capped,
      prev: last?.mac ?? genesis(this.#vaultId),
      mac: '',
    };
    next.mac = macOf(key, next as unknown as Record<string, unknown>);
    await client.query('INSERT INTO blindfold_audit (seq, entry) VALUES ($1, $2)', [next.seq, JSON.stringify(next)]);
    return { rows: [...caughtUp, next], whole };
  }

  /**
   * Adds rows read under the lock to the mirror. Appends of this instance finish in any order (one
   * may read another's committed entry before that one got back here): a seq already held is skipped.
   */
  #merge({ rows, whole }: Read): void {
    // Read from seq 0 under the lock, a first append's rows are the whole trail.
    if (rows[0]?.seq === 1) this.#loaded = true;
    // A restored trail replaces the mirror (which may then miss entries merged meanwhile: behind, never wrong).
    if (whole) this.#entries = [];
    for (const row of rows) if (row.seq > (this.#entries.at(-1)?.seq ?? 0)) this.#entries.push(row);
  }

  query(filter: AuditFilter = {}): AuditEntry[] {
    return this.#read().filter((e) => matches(e, filter)).map((e) => structuredClone(e));
  }

  usage(): Map<string, Usage> {
    const usage = new Map<string, Usage>();
    for (const e of this.#read()) countEntryUsage(usage, e);
    return usage;
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

  /** Entries are committed when `append` resolves; notices still on their way are awaited here. */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  /** The mirror, once read: fail closed rather than answer "no entries" for rows never read. */
  #read(): AuditEntry[] {
    if (!this.#loaded) throw new BlindfoldError('AUDIT_UNAVAILABLE', 'the audit trail in PostgreSQL has not been read yet (refresh it first)');
    return this.#entries;
  }

  #keyFor(doing: string): ChainKey {
    if (!this.#key) throw new BlindfoldError('INTERNAL', `this audit trail was opened without its key: it cannot ${doing} the chain`);
    return this.#key;
  }

  flush(): void {
    // Nothing is buffered: an entry is committed before `append` resolves.
  }

  close(): void {
    // A shared connection is its owner's to end; one of our own ends once pending notices are written.
    if (this.#owned) void this.settled().then(() => this.#connection.close());
  }
}

function unavailable(err: unknown): BlindfoldError {
  if (err instanceof BlindfoldError && err.code === 'AUDIT_UNAVAILABLE') return err;
  const code = err instanceof BlindfoldError ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return new BlindfoldError('AUDIT_UNAVAILABLE', `the audit trail cannot be written or read: ${message}`, { cause: code });
}
