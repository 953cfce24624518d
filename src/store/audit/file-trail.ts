/** The audit trail's file backend (src/audit/trail.ts): the writer (log.ts) and the reads and verification of its files (query.ts). */
import type { AuditEntry, AuditFields } from '../../audit/chain.js';
import type { AuditReader, AuditTrail } from '../../audit/trail.js';
import { AuditLog, appendUnsignedNotice, type AuditLogOptions } from './log.js';
import { readAudit, usageFromAudit, verifyAudit, type AuditFilter, type Usage, type VerifyResult } from './query.js';

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
    // The head record is written when the lease ends: what this process appended is then vouched for.
    this.#log.releaseLease();
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
