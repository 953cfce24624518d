/**
 * The audit trail in this process only (tests, and any backend-neutral code exercised without a
 * disk): the same chain (each entry MAC'd and linked to the one before), the same field caps, the
 * same query filter and the same verification, revision pairing included, as the file backend, and
 * the same retention: entries older than the retention period leave only after a signed
 * `audit.pruned` entry names the last of them, and their usage figures are kept. No quota: a
 * test's trail is short-lived.
 */
import { capFields } from './cap.js';
import { genesis, macKey, macOf, type AuditEntry, type AuditFields } from './chain.js';
import { RevisionClaims } from './claims.js';
import { matches, type AuditFilter, type Usage, type VerifyResult } from '../store/audit/query.js';
import { countEntryUsage, DAY_MS, DEFAULT_RETENTION_DAYS } from '../store/audit/retention.js';
import type { AuditTrail } from './trail.js';

export class MemoryAuditTrail implements AuditTrail {
  readonly #entries: AuditEntry[] = [];
  readonly #notices: AuditFields[] = [];
  readonly #key: ReturnType<typeof macKey>;
  readonly #vaultId: string;
  readonly #now: () => number;
  readonly #retentionMs: number;
  /** Usage figures of the entries pruned so far (the file backend keeps them in a summary file). */
  readonly #prunedUsage = new Map<string, Usage>();

  constructor(key: Uint8Array, vaultId: string, options: { now?: () => number; retentionDays?: number } = {}) {
    this.#key = macKey(key);
    this.#vaultId = vaultId;
    this.#now = options.now ?? Date.now;
    this.#retentionMs = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS;
  }

  async append(fields: AuditFields): Promise<AuditEntry> {
    const entry = this.#chain(fields);
    this.#prune();
    return structuredClone(entry);
  }

  #chain(fields: AuditFields): AuditEntry {
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
    return entry;
  }

  /** Entries past retention go, after a signed record of the last one; their usage stays counted. */
  #prune(): void {
    const cutoff = this.#now() - this.#retentionMs;
    const old = this.#entries.findIndex((e) => Date.parse(e.time) >= cutoff);
    const count = old < 0 ? this.#entries.length - 1 : old; // the newest entry always stays
    if (count <= 0) return;
    const gone = this.#entries.slice(0, count);
    for (const e of gone) countEntryUsage(this.#prunedUsage, e);
    this.#chain({ action: 'audit.pruned', principal: 'blindfold', outcome: 'ok', lastSeq: gone.at(-1)!.seq, reason: 'entries past the retention period' });
    this.#entries.splice(0, count);
  }

  query(filter: AuditFilter = {}): AuditEntry[] {
    return this.#entries.filter((e) => matches(e, filter)).map((e) => structuredClone(e));
  }

  usage(): Map<string, Usage> {
    // In trail order, from what pruning left: a rename hands on uses counted before it.
    const usage = new Map([...this.#prunedUsage].map(([name, u]) => [name, { ...u }]));
    for (const e of this.#entries) countEntryUsage(usage, e);
    return usage;
  }

  notice(fields: AuditFields): void {
    this.#notices.push(capFields(fields));
  }

  verify(storeRevision?: number): VerifyResult {
    const claims = new RevisionClaims();
    // A front may be gone only as far as a signed `audit.pruned` entry says.
    const first = this.#entries[0]?.seq ?? 1;
    const prunedThrough = Math.max(0, ...this.#entries.filter((e) => e.action === 'audit.pruned').map((e) => e.lastSeq ?? 0));
    if (first > 1 && prunedThrough < first - 1) {
      return { ok: false, entries: 0, problem: `entries before seq ${first} are missing, and no signed deletion record accounts for them` };
    }
    let prev = first > 1 ? this.#entries[0]!.prev : genesis(this.#vaultId);
    for (const [i, e] of this.#entries.entries()) {
      const label = `entry ${i + 1} (seq ${e.seq})`;
      const problem =
        macOf(this.#key, e as unknown as Record<string, unknown>) !== e.mac
          ? 'the MAC does not match — the entry was edited or forged'
          : e.seq !== first + i || e.prev !== prev
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
