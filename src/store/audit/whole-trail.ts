/**
 * The file audit trail read or written whole, for moving it to another store (`blindfold migrate`,
 * issue 22 item 3): every chained entry as written (seq, prev and mac kept, so the chain verifies
 * wherever it lands) and the unsigned notices apart. No key is needed to read or to write it; only
 * the head record (files.ts), which vouches for the tail, is signed — by `signHead`, once the
 * caller has checked that the entries are the source's.
 */
import { existsSync, openSync, readFileSync, closeSync, constants as fsConstants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { BlindfoldError } from '../../errors.js';
import type { AuditEntry } from '../../audit/chain.js';
import { writeFileAtomically } from '../file-io.js';
import { headPath, isUnsignedNotice, readHeadRecord, writeHeadRecord } from './files.js';
import { auditFiles } from './query.js';

export interface WholeTrail {
  entries: AuditEntry[];
  /** Entries outside the chain (written without the key: a sealed vault's refusals). */
  notices: Array<Record<string, unknown>>;
}

/** Every line of every file of the trail at `path` (rotated files first), entries and notices apart. */
export function readWholeTrail(path: string): WholeTrail {
  const whole: WholeTrail = { entries: [], notices: [] };
  for (const file of auditFiles(path)) {
    for (const [i, line] of readFileSync(file, 'utf8').split('\n').entries()) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new BlindfoldError('AUDIT_UNAVAILABLE', `${file}:${i + 1} is not valid JSON; run \`blindfold audit verify\` (nothing was copied)`);
      }
      if (isUnsignedNotice(line)) whole.notices.push(parsed as Record<string, unknown>);
      else whole.entries.push(parsed as AuditEntry);
    }
  }
  return whole;
}

/** Whether any file of a trail is at `path` (the current file, a rotated one, or its head record). */
export function trailExists(path: string): boolean {
  return auditFiles(path).length > 0 || existsSync(headPath(path));
}

/**
 * The trail written as one file (a later append rotates it as usual), atomically: a copy cut off
 * leaves no trail or the whole of it. Refused where a trail already is: one is never merged into another.
 */
export async function writeWholeTrail(path: string, whole: WholeTrail): Promise<void> {
  if (trailExists(path)) throw new BlindfoldError('VERSION_CONFLICT', `an audit trail is already at ${path}; nothing was written`);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const lines = [...whole.entries, ...whole.notices].map((e) => `${JSON.stringify(e)}\n`).join('');
  await writeFileAtomically(path, `.${basename(path)}.`, Buffer.from(lines));
}

/**
 * Signs the head record for the trail's last entry, unless a valid one is there (a writer went on
 * after the copy and vouched for its own tail). The caller has compared the entries with the source.
 */
export function signHead(path: string, key: Uint8Array, last: AuditEntry | undefined, first: number): void {
  if (!last || readHeadRecord(path, key)) return;
  const fd = openSync(headPath(path), fsConstants.O_WRONLY | fsConstants.O_CREAT, 0o600);
  try {
    writeHeadRecord(fd, key, { seq: last.seq, mac: last.mac, first });
  } finally {
    closeSync(fd);
  }
}
