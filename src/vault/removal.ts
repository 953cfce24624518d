/**
 * Removing a secret, as data (no I/O): its values leave the vault, their fingerprints stay behind
 * as tombstones (issue 18 item 9: the credential may still work, and upstreams still hold it), and
 * only an explicit `forgetFingerprints` drops a name's tombstones, as an audited change of its own.
 */
import type { VaultEvent } from './changes.js';
import { notFound } from './names.js';
import type { VaultFile } from './schema.js';
import { distinctValues, versionsOf, type Retire } from './versions.js';

export interface RemoveOptions {
  /** Also drop the fingerprints of this name's retired values: they stop being redacted. */
  forgetFingerprints?: boolean;
}

/**
 * The events of the change (the caller records them). With `forgetFingerprints`, a name that only
 * has tombstones left (removed earlier) can be named too.
 */
export function applyRemove(file: VaultFile, name: string, retire: Retire, options: RemoveOptions = {}): VaultEvent[] {
  const record = Object.hasOwn(file.secrets, name) ? file.secrets[name] : undefined;
  const tombstones = retiredCount(file, name);
  if (!record && !(options.forgetFingerprints && tombstones > 0)) throw notFound(name, Object.keys(file.secrets));
  const events: VaultEvent[] = [];
  if (record) {
    if (!options.forgetFingerprints) retire(file, record, distinctValues(versionsOf(record)));
    delete file.secrets[name];
    events.push({ action: 'secret.delete', names: [name] });
  }
  if (options.forgetFingerprints) {
    const forgotten = retiredCount(file, name);
    if (file.retired && Object.hasOwn(file.retired, name)) delete file.retired[name];
    // Its own entry, so that `audit` shows when retired values stopped being redacted, and by whom.
    events.push({ action: FORGET_ACTION, names: [name], reason: `fingerprints forgotten: ${forgotten} retired value(s) no longer redacted${record ? ', and the current ones with them' : ''}` });
  }
  return events;
}

/** The audit action of dropping tombstones: its own, so an admin can find every forgetting. */
const FORGET_ACTION: VaultEvent['action'] = 'secret.forget';

/** How many retired values of `name` are remembered (kept redacted). */
export function retiredCount(file: VaultFile, name: string): number {
  return file.retired && Object.hasOwn(file.retired, name) ? (file.retired[name]?.length ?? 0) : 0;
}
