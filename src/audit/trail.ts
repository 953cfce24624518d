/**
 * The audit trail as every caller reaches it (issue 19 item 2): append with the chain, query,
 * usage figures, verify (chain, and the pairing of vault changes with their entries), flush and
 * close. Retention is the backend's own business. Two backends keep it: the file (the JSON lines
 * beside the vault, log.ts and query.ts) and memory (memory-trail.ts, for tests); the home's state
 * (src/store/home-state.ts) hands one out, and PostgreSQL will keep entries as rows.
 */
import type { AuditEntry, AuditFields } from './chain.js';
import { AuditLog, appendUnsignedNotice, type AuditLogOptions } from './log.js';
import { readAudit, usageFromAudit, verifyAudit, type AuditFilter, type Usage, type VerifyResult } from './query.js';

export type { AuditFilter, Usage, VerifyResult };

/** What can be read without the audit key: the entries and the usage figures they give. */
export interface AuditReader {
  query(filter?: AuditFilter): AuditEntry[];
  usage(): Map<string, Usage>;
  /** An entry outside the chain (no key: a sealed vault), so the refusal is still on record. */
  notice(fields: AuditFields): void;
}

export interface AuditTrail extends AuditReader {
  /** Rejects with AUDIT_UNAVAILABLE when it cannot be written (callers then refuse); undefined when aggregated. */
  append(fields: AuditFields): Promise<AuditEntry | undefined>;
  /** The chain intact, and (given the store's revision) every claimed change landed or aborted. */
  verify(storeRevision?: number): VerifyResult;
  flush(): void;
  close(): void;
}

/** The file backend's reads: the trail's files at `path`, read afresh each time. */
export class FileAuditReader implements AuditReader {
  constructor(readonly path: string) {}

  query(filter: AuditFilter = {}): AuditEntry[] {
    return readAudit(this.path, filter);
  }

  usage(): Map<string, Usage> {
    return usageFromAudit(this.path);
  }

  notice(fields: AuditFields): void {
    appendUnsignedNotice(this.path, fields);
  }
}

/** The file backend: the writer (log.ts) plus the reads and the verification of its files. */
export class FileAuditTrail extends FileAuditReader implements AuditTrail {
  readonly #log: AuditLog;
  readonly #key: Uint8Array;
  readonly #vaultId: string;

  constructor(options: AuditLogOptions) {
    super(options.path);
    this.#log = new AuditLog(options);
    this.#key = options.key;
    this.#vaultId = options.vaultId;
  }

  append(fields: AuditFields): Promise<AuditEntry | undefined> {
    return this.#log.append(fields);
  }

  verify(storeRevision?: number): VerifyResult {
    return verifyAudit(this.path, this.#key, this.#vaultId, storeRevision);
  }

  flush(): void {
    this.#log.flush();
  }

  close(): void {
    this.#log.close();
  }

  /** Lets other writers in (tests act as another process with it). */
  releaseLease(): void {
    this.#log.releaseLease();
  }
}
