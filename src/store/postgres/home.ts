/**
 * The home's state on PostgreSQL (issue 22; seam: src/store/home-state.ts): the small shared state
 * (suspensions, allowance, quarantine) as records of the vault's own store — so a suspension on one
 * instance is a change of the same feed every instance follows — and the audit trail as rows of
 * the same database, so an admin change's entry lands in the change's transaction (transaction.ts).
 * There is no file of a previous release to fall back on here: a cell never written is empty.
 *
 * `audit()` and `auditReader()` must answer synchronously (the HomeState interface); the trails
 * they give have not read their rows yet and refuse to answer until they did: a caller awaits
 * `refresh()` on them first (or appends, which reads under the chain's lock).
 */
import type { z } from 'zod';
import type { HomeState, StateName } from '../home-state.js';
import type { StateCell } from '../cells.js';
import type { SecretStore } from '../secret-store.js';
import { StoreCell, type StatefulDocument } from '../store-cell.js';
import { PostgresAuditTrail } from './audit-trail.js';
import { PostgresConnection, type PostgresOptions } from './connection.js';

export interface PostgresHomeState extends HomeState {
  audit(options: Parameters<HomeState['audit']>[0]): PostgresAuditTrail;
  auditReader(): PostgresAuditTrail;
  /** Ends the audit trail's connection (the store is closed by its owner). */
  close(): Promise<void>;
}

/** `store` is the vault's PostgreSQL store at `url` (its `state` collection holds the cells). */
export function postgresHomeState(url: string, store: SecretStore<StatefulDocument>, options: PostgresOptions = {}): PostgresHomeState {
  const connection = new PostgresConnection(url, options);
  const cells = new Map<StateName, StateCell<unknown>>();
  let trail: PostgresAuditTrail | undefined;
  let reader: PostgresAuditTrail | undefined;
  return {
    cell<T>(name: StateName, schema: z.ZodType<T>, empty: () => T, what: string): StateCell<T> {
      if (!cells.has(name)) cells.set(name, new StoreCell(store, name, schema, empty, what) as StateCell<unknown>);
      return cells.get(name) as StateCell<T>;
    },
    // Retention and quota (the file's bounds) are not kept here yet: rows stay until an admin prunes them.
    audit: (opts) => (trail ??= PostgresAuditTrail.unread(connection, { key: opts.key, vaultId: opts.vaultId, ...(opts.now ? { now: opts.now } : {}) })),
    auditReader: () => (reader ??= PostgresAuditTrail.unread(connection, { vaultId: '' })),
    close: () => connection.close(),
  };
}
