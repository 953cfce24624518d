/** Reading the audit trail back: filtered queries and chain verification. */
import { existsSync, readFileSync } from 'node:fs';
import { BlindfoldError } from '../../errors.js';
import { genesis, macOf, type AuditEntry } from '../../audit/chain.js';
import { headPath, isUnsignedNotice, readHeadRecord, type HeadRecord } from './files.js';
import { RevisionClaims } from '../../audit/claims.js';
import { countUsage, readUsageSummary, rotatedFiles, sha256Of, usagePath, type Usage, type UsageSummary } from './retention.js';

export type { Usage } from './retention.js';

export interface AuditFilter {
  since?: Date;
  secret?: string;
  action?: string;
  principal?: string;
}

/** Oldest file first, so entries come out in chain order. */
export function auditFiles(path: string): string[] {
  const files: string[] = [];
  for (const { file } of rotatedFiles(path)) files.push(file);
  if (existsSync(path)) files.push(path);
  return files;
}

interface RawLine {
  file: string;
  line: number;
  text: string;
}

function readLines(path: string): RawLine[] {
  const out: RawLine[] = [];
  for (const file of auditFiles(path)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (text.trim() !== '') out.push({ file, line: i + 1, text });
    });
  }
  return out;
}

/** Whether an entry passes a query's filter (every backend filters alike). */
export function matches(e: AuditEntry, filter: AuditFilter): boolean {
  if (filter.since && new Date(e.time) < filter.since) return false;
  if (filter.secret && !(e.secrets ?? []).includes(filter.secret)) return false;
  if (filter.action && e.action !== filter.action) return false;
  return !(filter.principal && e.principal !== filter.principal);
}

export function readAudit(path: string, filter: AuditFilter = {}): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const raw of readLines(path)) {
    let e: AuditEntry;
    try {
      e = JSON.parse(raw.text) as AuditEntry;
    } catch {
      continue; // `audit verify` reports damage; queries show what can be read
    }
    if (matches(e, filter)) entries.push(e);
  }
  return entries;
}

/**
 * Per-secret usage from the trail's `secret.resolve` entries: counted from the log rather than
 * stored in the vault, so a request never writes the vault (SPEC §7). Entries deleted past
 * retention are counted by the usage summary their deletion left, which the newest `audit.pruned`
 * entry vouches for by hash (so no key is needed here). Unreadable trail: no figures.
 */
/** One more use of each secret, now (a running server's figures between reads of the trail). */
export function countUses(usage: Map<string, Usage>, secrets: Iterable<{ name: string }>): void {
  const now = new Date().toISOString();
  for (const { name } of secrets) usage.set(name, { lastUsedAt: now, useCount: (usage.get(name)?.useCount ?? 0) + 1 });
}

export function usageFromAudit(path: string): Map<string, Usage> {
  const usage = new Map<string, Usage>();
  try {
    const files = auditFiles(path);
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const summary = vouchedSummary(path, texts);
    for (const [name, u] of Object.entries(summary?.usage ?? {})) usage.set(name, { ...u });
    for (const text of texts) countUsage(text, usage, summary?.throughSeq ?? 0);
  } catch {
    // an unreadable trail means no usage figures, not a refusal to start
  }
  return usage;
}

/** The newest signed `audit.pruned` entry of the trail's texts (the deletion record in force). */
function newestPruning(texts: string[]): AuditEntry | undefined {
  for (let i = texts.length - 1; i >= 0; i--) {
    const lines = texts[i]!.split('\n');
    for (let j = lines.length - 1; j >= 0; j--) {
      if (!lines[j]!.includes('"audit.pruned"')) continue;
      try {
        const e = JSON.parse(lines[j]!) as AuditEntry;
        if (e.action === 'audit.pruned') return e;
      } catch {
        // `audit verify` reports it
      }
    }
  }
  return undefined;
}

/** The usage summary file if the newest deletion record names it by hash; undefined otherwise. */
function vouchedSummary(path: string, texts: string[]): UsageSummary | undefined {
  const pruned = newestPruning(texts);
  if (!pruned?.usageSha256 || sha256Of(usagePath(path)) !== pruned.usageSha256) return undefined;
  const s = JSON.parse(readFileSync(usagePath(path), 'utf8')) as UsageSummary;
  return s.throughSeq === pruned.lastSeq ? { throughSeq: s.throughSeq, usage: s.usage } : undefined;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** First problem found, naming the entry (file:line and seq). */
  problem?: string;
  /** `vault.sealed` notices, outside the chain (written without the key). */
  unsignedNotices?: number;
  /** The earliest entry does not start at genesis because older files were rotated away. */
  startsAfterGenesis?: boolean;
}

/**
 * Checks the chain, and with `storeRevision` the pairing of vault changes with their entries
 * (issue 19): entries claiming a store revision come as one run per change; a revision claimed
 * again must have a `store.abort` in between; no claim may be past the store's revision.
 */
export function verifyAudit(path: string, key: Uint8Array, vaultId: string, storeRevision?: number): VerifyResult {
  const lines = readLines(path);
  const head = readHeadRecord(path, key);
  let prevMac: string | undefined;
  let prevSeq: number | undefined;
  let startsAfterGenesis = false;
  /** Seq of the first entry kept, when the front was rotated away. */
  let keptFrom = 0;
  /** Entries up to this seq were deleted past retention, on signed record. */
  let prunedThrough = 0;
  let count = 0;
  let notices = 0;
  const claims = new RevisionClaims();
  for (const [index, raw] of lines.entries()) {
    const where = `${raw.file}:${raw.line}`;
    if (isUnsignedNotice(raw.text)) {
      notices++;
      continue;
    }
    let e: AuditEntry;
    try {
      e = JSON.parse(raw.text) as AuditEntry;
    } catch {
      return { ok: false, entries: count, problem: `${where}: the line is not valid JSON (edited or cut)` };
    }
    const label = `${where} (seq ${String(e.seq)})`;
    if (typeof e.seq !== 'number' || typeof e.mac !== 'string' || typeof e.prev !== 'string') {
      return { ok: false, entries: count, problem: `${label}: missing seq, prev or mac` };
    }
    if (macOf(key, e as unknown as Record<string, unknown>) !== e.mac) {
      return { ok: false, entries: count, problem: `${label}: the MAC does not match — the entry was edited or forged` };
    }
    if (prevMac === undefined) {
      if (e.prev !== genesis(vaultId)) {
        if (e.seq === 1) return { ok: false, entries: count, problem: `${label}: the first entry does not start this vault's chain` };
        // Only a rotation may drop the front, and it leaves a signed `audit.rotated` entry first
        // in the file after the ones it moved; anything else was cut.
        if (e.action !== 'audit.rotated' || e.lastSeq !== e.seq - 1) {
          return { ok: false, entries: count, problem: `${label}: ${frontCut(lines.slice(index + 1), raw.file, e.seq, head, path)}` };
        }
        startsAfterGenesis = true;
        keptFrom = e.seq;
      }
    } else {
      if (e.seq !== (prevSeq ?? 0) + 1) {
        const kind = e.seq <= (prevSeq ?? 0) ? 'reordered or duplicated' : `missing (entries ${(prevSeq ?? 0) + 1}..${e.seq - 1} removed)`;
        return { ok: false, entries: count, problem: `${label}: sequence jumps from ${prevSeq}: entries ${kind}` };
      }
      if (e.prev !== prevMac) {
        return { ok: false, entries: count, problem: `${label}: does not follow the previous entry (inserted, removed or reordered)` };
      }
    }
    const unpaired = claims.see(e);
    if (unpaired) return { ok: false, entries: count, problem: `${label}: ${unpaired}` };
    if (e.action === 'audit.pruned' && typeof e.lastSeq === 'number') prunedThrough = Math.max(prunedThrough, e.lastSeq);
    prevMac = e.mac;
    prevSeq = e.seq;
    count++;
  }
  const landed = storeRevision === undefined ? undefined : claims.pastRevision(storeRevision);
  if (landed) return { ok: false, entries: count, problem: landed };
  const deletion = deletionProblem(path, key, lines, keptFrom, prunedThrough);
  if (deletion) return { ok: false, entries: count, problem: deletion };
  if (head) {
    if ((prevSeq ?? 0) < head.seq) {
      return { ok: false, entries: count, problem: `the log ends at seq ${prevSeq ?? 0} but ${head.seq} entries were written: the tail was cut` };
    }
    if (prevSeq === head.seq && prevMac !== head.mac) {
      return { ok: false, entries: count, problem: `the last entry (seq ${prevSeq}) is not the one last written` };
    }
  } else if (count > 0) {
    return { ok: false, entries: count, problem: `the head record ${headPath(path)} is missing or forged` };
  }
  return { ok: true, entries: count, ...(notices ? { unsignedNotices: notices } : {}), ...(startsAfterGenesis ? { startsAfterGenesis } : {}) };
}

/**
 * Files leave the trail only by age, with a signed `audit.pruned` record first (retention.ts): a
 * rotated-away front that no such record covers was deleted by hand, inside retention or not; and
 * the usage summary must be the one the newest record names.
 */
function deletionProblem(path: string, key: Uint8Array, lines: RawLine[], keptFrom: number, prunedThrough: number): string | undefined {
  if (keptFrom > 1 && prunedThrough < keptFrom - 1) {
    const from = prunedThrough + 1;
    return `entries ${from}..${keptFrom - 1} are missing: a rotated file was removed, and no signed deletion record (files are deleted only past the retention period) accounts for it`;
  }
  if (prunedThrough === 0) return undefined;
  const texts = [...new Set(lines.map((l) => l.file))].map((f) => readFileSync(f, 'utf8'));
  const summary = readUsageSummary(path, key);
  if (!summary || summary.throughSeq !== prunedThrough || !vouchedSummary(path, texts)) {
    return `the usage summary ${usagePath(path)} is missing or is not the one the last deletion record names (usage figures of deleted entries were altered)`;
  }
  return undefined;
}

/**
 * Describes entries cut from the front of `file`, whose first entry left is `seq`. Where the file
 * began is said by the `audit.rotated` entry opening the next file, or for the current file by the
 * head record; with neither, only "before seq" can be said.
 */
function frontCut(rest: RawLine[], file: string, seq: number, head: HeadRecord | undefined, path: string): string {
  let first: number | undefined;
  const next = rest.find((r) => r.file !== file && !isUnsignedNotice(r.text));
  if (next) {
    try {
      const e = JSON.parse(next.text) as AuditEntry;
      if (e.action === 'audit.rotated' && typeof e.firstSeq === 'number') first = e.firstSeq;
    } catch {
      // the loop reports that line if it gets there
    }
  } else if (file === path) {
    first = head?.first;
  }
  if (first === undefined || first >= seq) {
    return `entries before seq ${seq} are missing, and no rotation record accounts for them: the front of the log was cut`;
  }
  const range = first === seq - 1 ? `entry ${first} is` : `entries ${first}..${seq - 1} are`;
  return `${range} missing, and no rotation record accounts for them: the front of the log was cut (first missing seq ${first})`;
}

export function parseSince(text: string): Date {
  const m = /^(\d+)\s*(s|m|h|d|w)$/.exec(text.trim());
  if (m) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return new Date(Date.now() - Number(m[1]) * unit * 1000);
  }
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) {
    throw new BlindfoldError('BAD_INPUT', '--since expects a duration like 30m, 1h, 7d or an ISO date (what was given is not repeated)');
  }
  return d;
}

