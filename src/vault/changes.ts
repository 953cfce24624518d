/** What a vault change is, as the audit trail records it, and the locked write that carries it. */
import type { VaultFile } from './schema.js';

export interface VaultEvent {
  action: 'secret.create' | 'secret.update' | 'secret.delete' | 'secret.forget' | 'secret.rollback' | 'secret.rename' | 'key.rotate' | 'token.create' | 'token.revoke';
  names: string[];
  env?: string;
  version?: number;
  reason?: string;
}

/**
 * Records changes durably (the audit trail). `record` runs once a change is prepared, with the
 * store revision it will land as, and before it lands: a throw refuses the change. `abort` is told
 * of a revision whose entries were recorded but whose change never landed (its writer was killed
 * in between), so the trail can say so.
 */
export interface ChangeRecorder {
  record(events: VaultEvent[], revision: number): Promise<void>;
  abort(revision: number): Promise<void>;
}

export interface WriteOptions {
  /** Rotation's final step switches the key check itself. */
  skipKeyCheck?: boolean;
  /** A mutation that recorded no event (nothing changed) writes nothing. */
  onlyIfRecorded?: boolean;
}

/** A locked read→modify→record→write of the vault's document (write.ts). */
export type VaultWrite = <R>(mutate: (file: VaultFile, record: (e: VaultEvent) => void) => R, opts?: WriteOptions) => Promise<R>;
