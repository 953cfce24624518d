/**
 * The file store's journal: an append-only file of JSON lines, each change in two of them.
 *
 *   {"p":7,"h":"…","records":{"secrets":{"API_KEY":{…}}},"meta":{…}}   prepared: change 7's delta
 *   {"c":7,"h":"…"}                                                       committed
 *
 * A change lands when its commit line is written; `h` (a hash of the prepared line) ties the two,
 * so a commit can never be read as committing another prepared line. Between the two the change's
 * audit entry is appended, claiming revision 7 (SPEC §7: the change and its entry land together):
 * a writer killed before its commit leaves a prepared line with no commit, which readers skip and
 * the next writer replaces, after appending an abort entry for revision 7 to the audit trail.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { open } from 'node:fs/promises';
import { BlindfoldError } from '../errors.js';
import type { Delta } from './draft.js';
import { beginWrite, faultPoint } from './faults.js';
import { writeInHalves } from './file-io.js';

export interface PreparedChange extends Delta {
  revision: number;
}

export interface JournalTail {
  /** Committed changes found after the offset, in order. */
  changes: PreparedChange[];
  /** Where the committed part ends (the next read starts there). */
  committedEnd: number;
  /** A whole prepared line with no commit after it: a writer died between the two (or is between them now). */
  dangling?: number;
}

const NEWLINE = 0x0a;

export function hashOf(line: string): string {
  return createHash('sha256').update(line).digest('base64url').slice(0, 22);
}

/** The prepared line (with its newline) and the hash its commit line carries. */
export function preparedLine(change: PreparedChange): { line: string; hash: string } {
  const body = JSON.stringify({ p: change.revision, records: change.records, ...(change.meta ? { meta: change.meta } : {}) });
  const hash = hashOf(body);
  return { line: `${body}\n`, hash };
}

export function commitLine(revision: number, hash: string): string {
  return `${JSON.stringify({ c: revision, h: hash })}\n`;
}

/**
 * Appends one change to the journal at `path` (under the store's lock): the prepared line,
 * `beforeCommit` (the audit entries), the commit line, fsync. When `beforeCommit` throws, the
 * prepared line is cut off again and `refused` is told (entries written before the throw claim a
 * revision that will never land). Returns the write's number (faults.ts) and the bytes appended.
 */
export async function appendChange(
  path: string,
  committedEnd: number,
  change: PreparedChange,
  beforeCommit: ((revision: number) => Promise<void>) | undefined,
  refused: (revision: number) => Promise<void> | undefined,
): Promise<{ n: number; bytes: number }> {
  const n = beginWrite('journal');
  const { line, hash } = preparedLine(change);
  const prepared = Buffer.from(line);
  const commit = Buffer.from(commitLine(change.revision, hash));
  const handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_APPEND);
  try {
    await writeInHalves(handle, prepared, () => faultPoint('prepare-partial', n));
    faultPoint('after-prepare', n);
    try {
      await beforeCommit?.(change.revision);
    } catch (err) {
      await handle.truncate(committedEnd).catch(() => {});
      await Promise.resolve(refused(change.revision)).catch(() => {});
      throw err;
    }
    faultPoint('after-audit', n);
    await writeInHalves(handle, commit, () => faultPoint('commit-partial', n));
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return { n, bytes: prepared.length + commit.length };
}

/**
 * Reads the journal bytes that follow `offset` (where `bytes` starts) after revision `revision`.
 * A last line without its newline is a write cut short: it and anything after it are not part of
 * the journal. A whole line that is not a journal line is damage, refused.
 */
export function readTail(bytes: Buffer, offset: number, revision: number, location: string): JournalTail {
  const changes: PreparedChange[] = [];
  let committedEnd = offset;
  let pending: { change: PreparedChange; hash: string } | undefined;
  let at = 0;
  let expected = revision + 1;
  while (at < bytes.length) {
    const end = bytes.indexOf(NEWLINE, at);
    if (end < 0) break;
    const text = bytes.subarray(at, end).toString('utf8');
    at = end + 1;
    const line = parseLine(text, location);
    if ('p' in line) {
      // A later prepared line replaces one never committed (its writer died, and ours follows).
      pending = { change: { revision: line.p, records: line.records, ...(line.meta ? { meta: line.meta } : {}) }, hash: hashOf(text) };
      continue;
    }
    if (!pending || pending.change.revision !== line.c || pending.hash !== line.h) {
      throw damaged(location, 'a commit line does not follow the change it commits');
    }
    // Lines at or below the snapshot's revision were folded into it by a compaction cut short.
    if (line.c >= expected) {
      if (line.c !== expected) throw damaged(location, `revision ${expected} is missing (found ${line.c})`);
      changes.push(pending.change);
      expected++;
    }
    pending = undefined;
    committedEnd = offset + at;
  }
  return { changes, committedEnd, ...(pending ? { dangling: pending.change.revision } : {}) };
}

type Line = { p: number; records: Delta['records']; meta?: Delta['meta'] } | { c: number; h: string };

function parseLine(text: string, location: string): Line {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged(location, 'a line is not valid JSON');
  }
  const line = parsed as Record<string, unknown>;
  if (line && typeof line === 'object') {
    if (Number.isSafeInteger(line.p) && isObject(line.records) && (line.meta === undefined || isObject(line.meta))) return line as Line;
    if (Number.isSafeInteger(line.c) && typeof line.h === 'string') return line as Line;
  }
  throw damaged(location, 'a line is not a journal line');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function damaged(location: string, what: string): BlindfoldError {
  return new BlindfoldError(
    'VAULT_CORRUPT',
    `the vault journal ${location} is damaged (${what}); it was left untouched; restore the vault from a backup`,
  );
}
