/** What a vault change is, as the audit trail records it, and the locked write that carries it. */
import type { VaultFile } from './schema.js';

export interface VaultEvent {
  action: 'secret.create' | 'secret.update' | 'secret.delete' | 'secret.forget' | 'secret.rollback' | 'key.rotate';
  names: string[];
  env?: string;
  version?: number;
  reason?: string;
}

/** Records changes durably (the audit trail); a throw refuses the change. */
export type ChangeRecorder = (events: VaultEvent[]) => Promise<void>;

export interface WriteOptions {
  /** Rotation's final step switches the key check itself. */
  skipKeyCheck?: boolean;
  /** A mutation that recorded no event (nothing changed) writes nothing. */
  onlyIfRecorded?: boolean;
}

/** A locked read→modify→record→write of the vault's document (write.ts). */
export type VaultWrite = <R>(mutate: (file: VaultFile, record: (e: VaultEvent) => void) => R, opts?: WriteOptions) => Promise<R>;
