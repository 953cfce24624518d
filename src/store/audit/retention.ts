/**
 * Retention by time, not size (issue 18 item 7). Size still rotates the log into numbered files
 * (audit.jsonl.1 newest), but a file is deleted only once its newest entry is older than the
 * retention period, oldest first; a flood of entries can fill the disk quota (and is then refused,
 * see quota.ts) but can never push a recent entry out of the trail.
 *
 * A deletion leaves signed evidence in the chain: an `audit.pruned` entry saying every entry up to
 * `lastSeq` was deleted, carrying the sha256 of the usage summary file (`audit.jsonl.usage`), which
 * holds the usage figures (useCount, lastUsedAt per secret) of every entry deleted so far. So
 * `audit verify` can tell a legitimate deletion from a file removed by hand, and usage figures
 * survive deletion.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { macOf, type AuditEntry, type AuditFields } from '../../audit/chain.js';
import { lastLine, rotatedPath } from './files.js';

export const DEFAULT_RETENTION_DAYS = 90;
export const DAY_MS = 86_400_000;

export interface Usage {
  lastUsedAt: string;
  useCount: number;
}

export interface UsageSummary {
  /** Every entry up to this seq was deleted; its usage is in `usage`. */
  throughSeq: number;
  usage: Record<string, Usage>;
}

export function usagePath(path: string): string {
  return `${path}.usage`;
}

/** Rotated files by number, oldest (highest number) first; gaps are kept as they are. */
export function rotatedFiles(path: string): { n: number; file: string }[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { n: number; file: string }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (/^[1-9][0-9]{0,8}$/.test(rest)) out.push({ n: Number(rest), file: join(dir, name) });
  }
  return out.sort((a, b) => b.n - a.n);
}

/** Bytes held by the rotated files (the current file's size is the writer's to add). */
export function rotatedBytes(path: string): number {
  let total = 0;
  for (const { file } of rotatedFiles(path)) {
    try {
      total += statSync(file).size;
    } catch {
      // removed meanwhile
    }
  }
  return total;
}

/** Shifts audit.jsonl → .1 → .2 …, deleting nothing (deletion is prune's, by age only). */
export function shiftRotated(path: string): void {
  for (const { n, file } of rotatedFiles(path)) renameSync(file, rotatedPath(path, n + 1));
  renameSync(path, rotatedPath(path, 1));
}

function newestTime(file: string): number | undefined {
  try {
    const fd = openSync(file, 'r');
    try {
      const line = lastLine(fd, fstatSync(fd).size);
      const time = line ? Date.parse((JSON.parse(line) as { time?: string }).time ?? '') : NaN;
      return Number.isNaN(time) ? undefined : time;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Adds the `secret.resolve` entries of `text` (a file's lines) past `after` into `usage`. */
export function countUsage(text: string, usage: Map<string, Usage>, after = 0): number {
  let last = after;
  for (const line of text.split('\n')) {
    if (!line.includes('"secret.resolve"') && !line.includes('"secret.rename"')) {
      const seq = /"seq":(\d+)/.exec(line);
      if (seq) last = Math.max(last, Number(seq[1]));
      continue;
    }
    let e: AuditEntry;
    try {
      e = JSON.parse(line) as AuditEntry;
    } catch {
      continue;
    }
    if (typeof e.seq !== 'number' || e.seq <= after) continue;
    last = Math.max(last, e.seq);
    countEntryUsage(usage, e);
  }
  return last;
}

/**
 * One entry's share of the usage figures, in trail order: a `secret.resolve` counts a use of each
 * secret it names; a `secret.rename` (old name first) hands the old name's uses so far to the new
 * name, so `show`, `list --unused` and `rm`'s recent-use check see a secret's history whatever it
 * was called, and a later secret of the old name starts afresh.
 */
export function countEntryUsage(usage: Map<string, Usage>, e: AuditEntry): void {
  if (e.action === 'secret.resolve') for (const name of e.secrets ?? []) addUsage(usage, name, e.time, 1);
  const [from, to] = e.secrets ?? [];
  if (e.action === 'secret.rename' && e.outcome === 'ok' && from && to && usage.has(from)) {
    const moved = usage.get(from)!;
    usage.delete(from);
    addUsage(usage, to, moved.lastUsedAt, moved.useCount);
  }
}

export function addUsage(usage: Map<string, Usage>, name: string, at: string, count: number): void {
  const before = usage.get(name);
  usage.set(name, { lastUsedAt: before && before.lastUsedAt > at ? before.lastUsedAt : at, useCount: (before?.useCount ?? 0) + count });
}

function signedSummary(summary: UsageSummary): Record<string, unknown> {
  return { usageSummary: summary };
}

/** The summary file as the writer left it, if its MAC holds; undefined when absent or altered. */
export function readUsageSummary(path: string, key: Parameters<typeof macOf>[0]): UsageSummary | undefined {
  try {
    const s = JSON.parse(readFileSync(usagePath(path), 'utf8')) as UsageSummary & { sig: string };
    const summary: UsageSummary = { throughSeq: s.throughSeq, usage: s.usage };
    return macOf(key, signedSummary(summary)) === s.sig ? summary : undefined;
  } catch {
    return undefined;
  }
}

export function sha256Of(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('base64url');
  } catch {
    return undefined;
  }
}

export interface Pruning {
  /** The `audit.pruned` entry to append before the files go. */
  fields: AuditFields;
  /** Deletes the files (after the entry is on record). */
  remove: () => void;
}

/**
 * Plans the deletion of rotated files past retention, oldest first, stopping at the first one
 * still inside it (and never the newest rotated file, which the writer reads the chain's end
 * from). Writes the merged usage summary now (atomically); returns undefined when nothing is due.
 */
export function planPruning(path: string, key: Parameters<typeof macOf>[0], retentionMs: number, now: number): Pruning | undefined {
  const due: string[] = [];
  for (const { n, file } of rotatedFiles(path)) {
    if (n === 1) break;
    const newest = newestTime(file);
    if (newest === undefined || newest >= now - retentionMs) break;
    due.push(file);
  }
  if (due.length === 0) return undefined;
  const before = readUsageSummary(path, key);
  const usage = new Map(Object.entries(before?.usage ?? {}));
  let through = before?.throughSeq ?? 0;
  for (const file of due) through = countUsage(readFileSync(file, 'utf8'), usage, through);
  const summary: UsageSummary = { throughSeq: through, usage: Object.fromEntries([...usage].sort(([a], [b]) => (a < b ? -1 : 1))) };
  const tmp = `${usagePath(path)}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...summary, sig: macOf(key, signedSummary(summary)) }), { mode: 0o600 });
  renameSync(tmp, usagePath(path));
  const days = Math.round((retentionMs / DAY_MS) * 100) / 100;
  return {
    fields: {
      action: 'audit.pruned',
      principal: 'blindfold',
      outcome: 'ok',
      lastSeq: through,
      usageSha256: sha256Of(usagePath(path))!,
      reason: `entries up to seq ${through} deleted (${due.length} file(s) whose newest entry is older than the retention period of ${days} days)`,
    },
    remove: () => {
      for (const file of due) if (existsSync(file)) unlinkSync(file);
    },
  };
}
