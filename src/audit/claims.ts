/**
 * The pairing of audit entries with the store revisions their vault changes landed as (issue 19):
 * the entries of one change come as one run claiming its revision; a revision is claimed again
 * only after a `store.abort` names it; no claim may be past the store's revision. Every audit
 * backend's `verify` checks it the same way.
 */
import type { AuditEntry } from './chain.js';

export class RevisionClaims {
  /** Open claims: revision → seq of the last entry of its run. */
  readonly #open = new Map<number, number>();

  see(e: AuditEntry): string | undefined {
    const r = e.storeRevision;
    if (typeof r !== 'number') return undefined;
    if (e.action === 'store.abort') {
      this.#open.delete(r);
      return undefined;
    }
    const last = this.#open.get(r);
    if (last !== undefined && last !== e.seq - 1) {
      return `store revision ${r} is claimed by two changes with no store.abort between them (an entry was replayed or a change recorded twice)`;
    }
    this.#open.set(r, e.seq);
    return undefined;
  }

  pastRevision(storeRevision: number): string | undefined {
    for (const [r, seq] of this.#open) {
      if (r > storeRevision) {
        return `entry seq ${seq} records a change as store revision ${r}, but the vault is at revision ${storeRevision} and no store.abort names it: a recorded change that is not in the vault`;
      }
    }
    return undefined;
  }
}
