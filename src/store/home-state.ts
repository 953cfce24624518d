/**
 * The home's state beside the secrets, reached through one object (issue 19 item 2) so that no
 * caller names a file and a backend can keep it elsewhere: the small shared state (suspensions,
 * the partial-hit allowance, the origin quarantine), each piece by name as a cell (cells.ts), and
 * the audit trail (src/audit/trail.ts). Three backends: the vault's (the default: the cells are
 * records of the vault's store, the trail its files), plain files (each cell a file, as an earlier
 * release kept them) and memory (tests); PostgreSQL keeps them as rows (postgres/home.ts).
 */
import type { z } from 'zod';
import { BlindfoldError } from '../errors.js';
import { MemoryAuditTrail } from '../audit/memory-trail.js';
import type { AuditReader, AuditTrail } from '../audit/trail.js';
import { FileAuditReader, FileAuditTrail } from './audit/file-trail.js';
import { FileCell, MemoryCell, type StateCell } from './cells.js';
import type { SecretStore } from './secret-store.js';
import { StoreCell, type StatefulDocument } from './store-cell.js';

export type StateName = 'suspensions' | 'allowance' | 'quarantine' | 'requests';
/** The pieces an earlier release kept in files of their own (read until the store holds them). */
type LegacyName = Exclude<StateName, 'requests'>;

/** How the audit trail is opened: its chain key and vault, and the file backend's bounds. */
export interface AuditOptions {
  key: Uint8Array;
  vaultId: string;
  retentionDays?: number;
  quotaBytes?: number;
  /** Test-only clock (entries' time, retention). */
  now?: () => number;
}

export interface HomeState {
  /** The cell holding `name`; `empty` is its value before anything was written, `what` names it in errors. */
  cell<T>(name: StateName, schema: z.ZodType<T>, empty: () => T, what: string): StateCell<T>;
  /** The audit trail, to append to and verify (needs the audit key). */
  audit(options: AuditOptions): AuditTrail;
  /** The audit trail's entries and usage figures, readable without the key. */
  auditReader(): AuditReader;
  /** Ends what the state holds open (a database connection); files and memory hold nothing. */
  close?(): Promise<void>;
}

/** Each piece in its own file (the paths of a home: BlindfoldPaths has them). */
export function fileHomeState(files: Partial<Record<StateName | 'audit', string>>): HomeState {
  const at = (name: StateName | 'audit') => {
    const path = files[name];
    if (!path) throw new BlindfoldError('INTERNAL', `no file given for the home's ${name}`);
    return path;
  };
  return {
    cell: (name, schema, empty, what) => new FileCell(at(name), schema, empty, what),
    audit: (options) => new FileAuditTrail({ path: at('audit'), ...options }),
    auditReader: () => new FileAuditReader(at('audit')),
  };
}

/**
 * The vault's home (the default): each piece of small state a record of the vault's store (`state`
 * collection, store-cell.ts), read from the previous release's file until the store holds it; the
 * audit trail in its files.
 */
export function storeHomeState(store: SecretStore<StatefulDocument>, files: Record<LegacyName | 'audit', string>): HomeState {
  const inFiles = fileHomeState(files);
  const cells = new Map<StateName, StateCell<unknown>>();
  return {
    cell<T>(name: StateName, schema: z.ZodType<T>, empty: () => T, what: string): StateCell<T> {
      const legacy = name === 'requests' ? undefined : inFiles.cell(name, schema, empty, what);
      if (!cells.has(name)) cells.set(name, new StoreCell(store, name, schema, empty, what, legacy) as StateCell<unknown>);
      return cells.get(name) as StateCell<T>;
    },
    audit: inFiles.audit,
    auditReader: inFiles.auditReader,
  };
}

/** Each piece in this process; asking twice for a name (or for the trail) gives the same one. */
export function memoryHomeState(): HomeState {
  const cells = new Map<StateName, StateCell<unknown>>();
  let trail: MemoryAuditTrail | undefined;
  const opened = () => {
    if (!trail) throw new BlindfoldError('INTERNAL', 'the in-memory audit trail is read after it is opened with its key');
    return trail;
  };
  return {
    cell<T>(name: StateName, _schema: z.ZodType<T>, empty: () => T): StateCell<T> {
      if (!cells.has(name)) cells.set(name, new MemoryCell<T>(empty()) as StateCell<unknown>);
      return cells.get(name) as StateCell<T>;
    },
    audit: (options) => (trail ??= new MemoryAuditTrail(options.key, options.vaultId, options)),
    auditReader: opened,
  };
}
