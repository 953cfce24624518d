/**
 * The audit trail in this process only (tests, and any backend-neutral code exercised without a
 * disk): the same chain (each entry MAC'd and linked to the one before), the same field caps, the
 * same query filter and the same verification, revision pairing included, as the file backend.
 * It keeps no retention and no quota: a test's trail is short-lived.
 */
import { capFields } from './cap.js';
import { genesis, macKey, macOf, type AuditEntry, type AuditFields } from './chain.js';
import { RevisionClaims } from './claims.js';
import { matches, type AuditFilter, type Usage, type VerifyResult } from '../store/audit/query.js';
import type { AuditTrail } from './trail.js';

export class MemoryAuditTrail implements AuditTrail {
  readonly #entries: AuditEntry[] = [];
  readonly #notices: AuditFields[] = [];
  readonly #key: ReturnType<typeof macKey>;
  readonly #vaultId: string;
  readonly #now: () => number;

  constructor(key: Uint8Array, vaultId: string, now: () => number = Date.now) {
    this.#key = macKey(key);
    this.#vaultId = vaultId;
    this.#now = now;
  }

  async append(fields: AuditFields): Promise<AuditEntry> {
    const last = this.#entries.at(-1);
    const entry: AuditEntry = {
      time: new Date(this.#now()).toISOString(),
      seq: (last?.seq ?? 0) + 1,
      ...capFields(fields),
      prev: last?.mac ?? genesis(this.#vaultId),
      mac: '',
    };
    entry.mac = macOf(this.#key, entry as unknown as Record<string, unknown>);
    this.#entries.push(entry);
    return structuredClone(entry);
  }

  query(filter: AuditFilter = {}): AuditEntry[] {
    return this.#entries.filter((e) => matches(e, filter)).map((e) => structuredClone(e));
  }

  usage(): Map<string, Usage> {
    const usage = new Map<string, Usage>();
    for (const e of this.#entries) {
      if (e.action !== 'secret.resolve') continue;
      for (const name of e.secrets ?? []) {
        const before = usage.get(name);
        usage.set(name, { lastUsedAt: before && before.lastUsedAt > e.time ? before.lastUsedAt : e.time, useCount: (before?.useCount ?? 0) + 1 });
      }
    }
    return usage;
  }

  notice(fields: AuditFields): void {
    this.#notices.push(capFields(fields));
  }

  verify(storeRevision?: number): VerifyResult {
    const claims = new RevisionClaims();
    let prev = genesis(this.#vaultId);
    for (const [i, e] of this.#entries.entries()) {
      const label = `entry ${i + 1} (seq ${e.seq})`;
      const problem =
        macOf(this.#key, e as unknown as Record<string, unknown>) !== e.mac
          ? 'the MAC does not match — the entry was edited or forged'
          : e.seq !== i + 1 || e.prev !== prev
            ? 'does not follow the previous entry (inserted, removed or reordered)'
            : claims.see(e);
      if (problem) return { ok: false, entries: i, problem: `${label}: ${problem}` };
      prev = e.mac;
    }
    const landed = storeRevision === undefined ? undefined : claims.pastRevision(storeRevision);
    if (landed) return { ok: false, entries: this.#entries.length, problem: landed };
    return { ok: true, entries: this.#entries.length, ...(this.#notices.length ? { unsignedNotices: this.#notices.length } : {}) };
  }

  flush(): void {
    // Nothing is buffered.
  }

  close(): void {
    // Nothing is held.
  }
}
