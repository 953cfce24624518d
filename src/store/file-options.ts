/** What a FileStore (./file.ts) is told about the document it stores. */
import type { RecordCheck } from './state.js';

export interface FileStoreOptions<D> {
  /** The keyed collections of the document, stored one record per key. */
  collections: readonly string[];
  /** Checks a document read from a snapshot (or a file of the previous release); throws VAULT_CORRUPT. */
  checkDocument: (raw: unknown, path: string) => D;
  /** Checks a record read from the journal; throws VAULT_CORRUPT. */
  checkRecord?: RecordCheck;
  /** Checks metadata read from the journal; throws VAULT_CORRUPT. */
  checkMeta?: (meta: Record<string, unknown>) => Record<string, unknown>;
  /** Told where the backup is when a file of the previous release was migrated. */
  onMigrated?: (backup: string) => void;
  /** Journal size past which it is folded into a new snapshot (when also past the snapshot's); tests lower it. */
  compactAfterBytes?: number;
}
