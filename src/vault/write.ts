/**
 * The vault's one way to change its document: read→modify→record→write under the store's lock.
 * It refuses when the stored document is not the vault this process opened (replaced, or re-keyed
 * by another process), and hands the change's events to the recorder (the audit trail) inside the
 * lock, after the change is computed and before it lands: if recording fails, nothing is written
 * (promise 9).
 */
import { BlindfoldError } from '../errors.js';
import type { ChangeRecorder, VaultEvent, WriteOptions } from './changes.js';
import type { VaultKeys } from './keys.js';
import type { VaultFile } from './schema.js';
import type { VaultStore } from './store.js';

export interface WriteContext {
  store: VaultStore;
  vaultId: string;
  keys: VaultKeys;
  recorder: ChangeRecorder | undefined;
}

/** The mutation's result, and the document that landed (undefined when nothing was written). */
export async function writeRecorded<R>(
  ctx: WriteContext,
  mutate: (file: VaultFile, record: (e: VaultEvent) => void) => R,
  opts: WriteOptions = {},
): Promise<{ result: R; written?: VaultFile }> {
  let written: VaultFile | undefined;
  const result = await ctx.store.update(async (current) => {
    if (!current) throw new BlindfoldError('VAULT_NOT_FOUND', `the vault file ${ctx.store.location} disappeared; nothing was written`);
    if (current.vaultId !== ctx.vaultId) {
      throw new BlindfoldError('VAULT_SEALED', `the vault file ${ctx.store.location} was replaced by another vault; nothing was written`);
    }
    if (!opts.skipKeyCheck && !ctx.keys.current.verifyKeyCheck(current.vaultId, current.keyCheck)) {
      throw new BlindfoldError('VAULT_SEALED', 'the vault was re-keyed by another process; reopen it with the new key (nothing was written)');
    }
    const events: VaultEvent[] = [];
    // `current` was read inside this lock and is shared with nobody: change it in place.
    const result = mutate(current, (e) => events.push(e));
    if (events.length > 0) {
      if (!ctx.recorder) throw new BlindfoldError('AUDIT_UNAVAILABLE', 'no audit trail is attached to this vault; the change was refused');
      await ctx.recorder(events);
    }
    if (opts.onlyIfRecorded && events.length === 0) return { result };
    written = current;
    return { next: current, result };
  });
  return written ? { result, written } : { result };
}
