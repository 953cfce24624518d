/**
 * The vault's one way to change its document: read→modify→record→write under the store's lock.
 * It refuses when the stored document is not the vault this process opened (replaced, or re-keyed
 * by another process), and hands the change's events to the recorder (the audit trail) inside the
 * lock, after the change is prepared and before it lands, claiming the revision it lands as: if
 * recording fails, nothing is written (promise 9), and the store never commits a change without them.
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

/** The mutation's result, once the change (if any) has landed with its audit entries. */
export async function writeRecorded<R>(
  ctx: WriteContext,
  mutate: (file: VaultFile, record: (e: VaultEvent) => void) => R,
  opts: WriteOptions = {},
): Promise<R> {
  return ctx.store.update(async (current) => {
    if (!current) throw new BlindfoldError('VAULT_NOT_FOUND', `the vault file ${ctx.store.location} disappeared; nothing was written`);
    if (current.vaultId !== ctx.vaultId) {
      throw new BlindfoldError('VAULT_SEALED', `the vault file ${ctx.store.location} was replaced by another vault; nothing was written`);
    }
    if (!opts.skipKeyCheck && !ctx.keys.current.verifyKeyCheck(current.vaultId, current.keyCheck)) {
      throw new BlindfoldError('VAULT_SEALED', 'the vault was re-keyed by another process; reopen it with the new key (nothing was written)');
    }
    const events: VaultEvent[] = [];
    // `current` is the store's draft of the document inside this lock: change it in place.
    const result = mutate(current, (e) => events.push(e));
    if (opts.onlyIfRecorded && events.length === 0) return { result };
    const recorder = ctx.recorder;
    if (events.length > 0 && !recorder) throw new BlindfoldError('AUDIT_UNAVAILABLE', 'no audit trail is attached to this vault; the change was refused');
    // The entries claim the revision the change lands as; the store commits only after they are written.
    const beforeCommit = events.length > 0 && recorder ? (revision: number) => recorder.record(events, revision) : undefined;
    return { next: current, result, ...(beforeCommit ? { beforeCommit } : {}) };
  });
}
