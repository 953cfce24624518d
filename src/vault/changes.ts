/** What a vault change is, as the audit trail records it, and the locked write that carries it. */
import type { VaultFile } from './schema.js';

export interface VaultEvent {
  action: 'secret.create' | 'secret.update' | 'secret.delete' | 'secret.rollback' | 'key.rotate';
  names: string[];
  env?: string;
  version?: number;
  reason?: string;
}

/** Records changes durably (the audit trail); a throw refuses the change. */
export type ChangeRecorder = (events: VaultEvent[]) => Promise<void>;

/** A locked read→modify→record→write of the vault file (see Vault#write). */
export type VaultWrite = <R>(
  mutate: (file: VaultFile, record: (e: VaultEvent) => void) => R,
  opts?: { skipKeyCheck?: boolean; onlyIfRecorded?: boolean },
) => Promise<R>;
