/**
 * The store's open write transaction, as seen from `beforeCommit` (issue 22: an admin change and its
 * audit entry land in one transaction). The PostgreSQL store runs `beforeCommit` inside this
 * context; the PostgreSQL audit trail, when on the same database, appends with the transaction's
 * client instead of a transaction of its own, so the entry commits or rolls back with the change —
 * no claim without its change, no change without its claim, whatever dies when.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PoolClient } from 'pg';

export interface OpenTransaction {
  /** The database it runs on, as its `location` names it (host, port, database, user). */
  database: string;
  client: PoolClient;
  /** Run once the transaction committed (what was written in it became real). */
  afterCommit: Array<() => void>;
  /** Statements on `client` one at a time, whoever issues them. */
  queue: Promise<unknown>;
  /** Set once `beforeCommit` is done: work started later (in the same async context) must not use `client`. */
  closed: boolean;
}

const open = new AsyncLocalStorage<OpenTransaction>();

/** Runs `work` with `transaction` visible to what it calls. */
export function withinTransaction<T>(transaction: OpenTransaction, work: () => Promise<T>): Promise<T> {
  return open.run(transaction, work);
}

/** The store's transaction on `database` that the caller runs inside, if any. */
export function transactionOn(database: string): OpenTransaction | undefined {
  const transaction = open.getStore();
  return transaction?.database === database && !transaction.closed ? transaction : undefined;
}

/** Runs `work` on the transaction's client after the statements queued before it. */
export function queued<T>(transaction: OpenTransaction, work: () => Promise<T>): Promise<T> {
  const done = transaction.queue.then(work, work);
  transaction.queue = done.catch(() => {});
  return done;
}
