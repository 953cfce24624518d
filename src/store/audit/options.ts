/** What an AuditLog is built with (log.ts); the defaults live with the mechanism each bounds. */
export const DEFAULT_ROTATE_BYTES = 10 * 1024 * 1024;

export interface AuditLogOptions {
  path: string;
  key: Uint8Array;
  vaultId: string;
  rotateBytes?: number;
  /** No file whose newest entry is younger than this is deleted (default 90 days). */
  retentionDays?: number;
  /** The whole trail's size bound: past it appends are refused (default 1 GiB). */
  quotaBytes?: number;
  /** The fraction of the quota one principal may fill with refused calls (default 0.25). */
  principalShare?: number;
  /** Identical refusals within this window become one aggregate entry (default 60 s). */
  aggregateWindowMs?: number;
  /** Test-only clock: the time entries carry, retention and aggregation windows all read it. */
  now?: () => number;
}
