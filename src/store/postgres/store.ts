/**
 * The SecretStore contract on PostgreSQL (SPEC §7, issue 22): stateless team servers share one
 * database. The schema and why it is shaped so: schema.ts; reading it into memory: rows.ts.
 *
 * A change is one transaction: lock the vault's row (SELECT … FOR UPDATE: every writer of every
 * instance queues there, so compare-and-set sees the last committed state, never a cached one),
 * catch up with what other instances landed, run `mutate` on a copy-on-write draft, compare, write
 * only the touched rows, raise the revision, add the change to the feed, run `beforeCommit` (its
 * throw rolls everything back; a PostgreSQL audit trail on this database writes its entry in this
 * same transaction: transaction.ts), NOTIFY (delivered at COMMIT only), COMMIT. Inside one instance,
 * writers also queue in memory, so a burst of writes holds one connection, not the whole pool.
 * Readers take no lock: they read the feed in one snapshot.
 *
 * A COMMIT whose answer is lost (the connection dropped) leaves the change in doubt: the next write
 * looks its id up in the feed and, if it never landed, tells `onAbandoned` (the audit trail records
 * the abort of the revision it claimed). The store never sees plaintext; the master key never comes
 * here.
 */
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { BlindfoldError } from '../../errors.js';
import { logger } from '../../log.js';
import { draftOf, metaOf, recordsOf } from '../draft.js';
import type { PreparedChange } from '../journal.js';
import { assertExpected, type SecretStore, type StoreChange, type StoreChanges, type StoreDocument, type StoreSnapshot, type UpdateOptions } from '../secret-store.js';
import { StoreState } from '../state.js';
import { PostgresConnection, type PostgresOptions } from './connection.js';
import { ChangeListener, CHANGES_CHANNEL } from './listen.js';
import { catchUp, stampOf, storedPosition, writeChange, type CatchUp, type Position, type Query, type RowChecks } from './rows.js';
import { takeRate } from './rates.js';
import { checkSchema } from './schema.js';
import { withinTransaction, type OpenTransaction } from './transaction.js';

export interface PostgresStoreOptions extends PostgresOptions, RowChecks {}

export class PostgresStore<D extends StoreDocument> implements SecretStore<D> {
  readonly location: string;
  readonly #connection: PostgresConnection;
  readonly #checks: RowChecks;
  readonly #listener: ChangeListener;
  #state: StoreState<D> | null = null;
  /** The id of the change #state is at ('' before any): with its revision, where this instance stands. */
  #head = '';
  /** The schema check, once per instance; retried after a failure (the database may be back). */
  #schema: Promise<void> | undefined;
  /** In-process writers' queue: one pooled connection waits on the row lock, not one per writer. */
  #queue: Promise<unknown> = Promise.resolve();
  #abandoned: ((revision: number) => Promise<void>) | undefined;
  /** A change whose COMMIT got no answer: settled by the next write. */
  #inDoubt: { revision: number; id: string } | undefined;

  /** `url` may hold a password: it goes to the driver only; `location` is the URL without it. */
  constructor(url: string, options: PostgresStoreOptions) {
    // Two connections at least: a `mutate` holding one (and the vault's lock) may read through another.
    this.#connection = new PostgresConnection(url, { ...options, poolSize: Math.max(2, options.poolSize ?? 10) });
    this.location = this.#connection.location;
    this.#checks = { collections: options.collections, ...(options.checkRecord ? { checkRecord: options.checkRecord } : {}), ...(options.checkMeta ? { checkMeta: options.checkMeta } : {}) };
    this.#listener = new ChangeListener(this.#connection);
  }

  async read(): Promise<StoreSnapshot<D>> {
    await this.#ready();
    const found = await this.#connection.withClient('reading the vault', async (client) => {
      const query = this.#query(client, 'reading the vault');
      // One snapshot for the vault row, the feed and the records: a writer committing meanwhile is seen whole or not at all.
      await query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await catchUp<D>(query, this.#position(), this.#checks);
      await query('COMMIT');
      return result;
    });
    this.#take(found);
    return { document: this.#state?.document ?? null, stamp: this.#stamp() };
  }

  lastRead(): D | null {
    return this.#state?.document ?? null;
  }

  /** One row read by primary key: the broker asks on every request. */
  async changedSince(stamp: string | null): Promise<boolean> {
    if (stamp === null) return true;
    await this.#ready();
    const stored = await this.#connection.withClient('reading the revision', (client) => storedPosition(this.#query(client, 'reading the revision')));
    return stamp !== stampOf(stored);
  }

  changesSince(revision: number): StoreChanges | null {
    return this.#state?.changesSince(revision) ?? null;
  }

  recordRevision(collection: string, key: string): number {
    return this.#state?.recordRevision(collection, key) ?? 0;
  }

  onAbandoned(handler: (revision: number) => Promise<void>): void {
    this.#abandoned = handler;
  }

  update<R>(mutate: (current: D | null) => StoreChange<D, R> | Promise<StoreChange<D, R>>, options?: UpdateOptions): Promise<R> {
    const run = async (): Promise<R> => {
      await this.#ready();
      return this.#connection.withClient('writing the vault', (client) => this.#transaction(client, mutate, options));
    };
    const done = this.#queue.then(run, run);
    this.#queue = done.catch(() => {});
    return done;
  }

  watch(onChange: () => void): () => void {
    return this.#listener.subscribe(onChange);
  }

  async takeRate(principal: string, perMinute: number, calls: number): Promise<number | undefined> {
    await this.#ready();
    return takeRate(this.#connection, principal, perMinute, calls);
  }

  async close(): Promise<void> {
    await this.#listener.close();
    await this.#queue;
    await this.#connection.close();
  }

  async #transaction<R>(client: PoolClient, mutate: (current: D | null) => StoreChange<D, R> | Promise<StoreChange<D, R>>, options?: UpdateOptions): Promise<R> {
    const query = this.#query(client, 'writing the vault');
    await query('BEGIN');
    let open = true;
    try {
      // The lock every writer of every instance takes; from here on the statements see every commit before ours.
      const locked = Number((await query<{ revision: string }>('SELECT revision FROM blindfold_vault FOR UPDATE'))[0]?.revision);
      await this.#settleInDoubt(query);
      this.#take(await catchUp<D>(query, this.#position(), this.#checks));
      const state = this.#state;
      if ((state?.revision ?? 0) !== locked) throw new BlindfoldError('INTERNAL', `the store ${this.location} read revision ${state?.revision ?? 0} under the lock, not ${locked}`);
      assertExpected(state?.document ?? null, options, this.location, (c, k) => this.recordRevision(c, k));
      const draft = state ? draftOf(state.document, this.#checks.collections) : undefined;
      const { next, result, beforeCommit } = await mutate(draft?.document ?? null);
      if (!next) {
        open = false;
        await query('ROLLBACK');
        return result;
      }
      if (next !== (draft?.document ?? next)) throw new BlindfoldError('INTERNAL', 'a store change must be made on the draft it was given');
      // Stored apart from the draft the caller still holds. A first document writes its metadata too.
      const delta = structuredClone(draft ? draft.delta() : { records: recordsOf(next, this.#checks.collections), meta: metaOf(next, this.#checks.collections) });
      const change: PreparedChange = { revision: locked + 1, records: delta.records, ...(delta.meta ? { meta: delta.meta } : {}) };
      const id = randomUUID();
      await writeChange(query, change, id);
      // The audit entry of this change, on this database, is written in this transaction (transaction.ts).
      const transaction: OpenTransaction = { database: this.location, client, afterCommit: [], queue: Promise.resolve(), closed: false };
      try {
        if (beforeCommit) await withinTransaction(transaction, () => beforeCommit(change.revision));
        await transaction.queue;
      } finally {
        transaction.closed = true;
      }
      await query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(change.revision)]);
      this.#inDoubt = { revision: change.revision, id };
      open = false;
      await query('COMMIT');
      this.#inDoubt = undefined;
      for (const hook of transaction.afterCommit) hook();
      const target = state ?? new StoreState<D>({ ...structuredClone(delta.meta ?? {}), revision: 0 } as unknown as D, this.#checks.collections, {});
      target.apply(change);
      this.#state = target;
      this.#head = id;
      return result;
    } catch (err) {
      if (open) await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /** Under the lock: a change whose COMMIT went unanswered either landed (the feed has its id) or is reported abandoned. */
  async #settleInDoubt(query: Query): Promise<void> {
    const doubt = this.#inDoubt;
    if (!doubt) return;
    const rows = await query<{ change_id: string }>('SELECT change_id FROM blindfold_changes WHERE revision = $1', [doubt.revision]);
    if (rows[0]?.change_id !== doubt.id) {
      if (this.#abandoned) await this.#abandoned(doubt.revision);
      else logger().warn({ revision: doubt.revision }, 'a change whose commit went unanswered never landed, with no audit trail attached to record it');
    }
    this.#inDoubt = undefined;
  }

  /**
   * Applies what a catch-up found to the state kept in memory. Reads and writes of this instance run
   * concurrently: a result older than what is already applied is dropped, so the state only moves on.
   */
  #take(found: CatchUp<D>): void {
    if (found.kind === 'current') return;
    if (found.kind === 'whole') {
      // A restored database replaces what this instance has, even going back: it is the truth now.
      if (found.rewound || (found.state && (!this.#state || found.state.revision > this.#state.revision))) {
        this.#state = found.state;
        this.#head = found.head;
      }
      return;
    }
    for (const { change, id } of found.changes) {
      const state = this.#state;
      if (!state) return; // (a catch-up of changes is only asked for with a state in hand)
      if (change.revision <= state.revision) continue;
      if (change.revision !== state.revision + 1) throw new BlindfoldError('INTERNAL', `the store ${this.location} skipped from revision ${state.revision} to ${change.revision}`);
      state.apply(change, this.#checks.checkRecord, this.#checks.checkMeta);
      this.#head = id;
    }
  }

  #position(): Position | null {
    return this.#state ? { revision: this.#state.revision, head: this.#head } : null;
  }

  #stamp(): string {
    return stampOf(this.#position() ?? { revision: 0, head: '' });
  }

  async #ready(): Promise<void> {
    this.#schema ??= checkSchema(this.#connection).catch((err: unknown) => {
      this.#schema = undefined;
      throw err;
    });
    return this.#schema;
  }

  #query(client: PoolClient, doing: string): Query {
    return async <R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<R[]> => {
      try {
        return (await client.query<R>(text, values)).rows;
      } catch (err) {
        throw this.#connection.translate(err, doing);
      }
    };
  }
}
