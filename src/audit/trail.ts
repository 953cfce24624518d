/**
 * The audit trail as every caller reaches it (issue 19 item 2): append with the chain, query,
 * usage figures, verify (chain, and the pairing of vault changes with their entries), flush and
 * close. Retention is the backend's own business. Two backends keep it: the file (the JSON lines
 * beside the vault: src/store/audit) and memory (memory-trail.ts, for tests); the home's state
 * (src/store/home-state.ts) hands one out, and PostgreSQL will keep entries as rows.
 */
import type { AuditEntry, AuditFields } from './chain.js';
import type { AuditFilter, Usage, VerifyResult } from '../store/audit/query.js';

export type { AuditFilter, Usage, VerifyResult };

/** What can be read without the audit key: the entries and the usage figures they give. */
export interface AuditReader {
  query(filter?: AuditFilter): AuditEntry[];
  usage(): Map<string, Usage>;
  /** An entry outside the chain (no key: a sealed vault), so the refusal is still on record. */
  notice(fields: AuditFields): void;
  /**
   * Reads what was appended elsewhere, for a backend whose readers answer from a copy (PostgreSQL:
   * until it ran once they refuse to answer). Await `readyTrail(t)` before reading.
   */
  refresh?(): Promise<void>;
}

/** `trail`, its entries read (a backend that reads as it goes has nothing to do). */
export async function readyTrail<T extends AuditReader>(trail: T): Promise<T> {
  await trail.refresh?.();
  return trail;
}

export interface AuditTrail extends AuditReader {
  /** Rejects with AUDIT_UNAVAILABLE when it cannot be written (callers then refuse); undefined when aggregated. */
  append(fields: AuditFields): Promise<AuditEntry | undefined>;
  /** The chain intact, and (given the store's revision) every claimed change landed or aborted. */
  verify(storeRevision?: number): VerifyResult;
  flush(): void;
  close(): void;
}
