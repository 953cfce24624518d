/**
 * The file store's snapshot: the whole document at one revision, and the name of the journal that
 * carries every change after it (journal.ts).
 *
 *   {"format":2,"revision":41,"journal":"vault.journal.3f9c…","revs":{"secrets":{"API_KEY":40}},"document":{…}}
 *
 * `format` sits first and outside the document so that a Blindfold of the previous release (whose
 * vault file was the document itself, `"format":1`) refuses a migrated vault at open instead of
 * reading it. A snapshot is written whole to a unique temp file, fsynced, renamed over the old one,
 * and the folder fsynced: a crash leaves the old snapshot or the new one, never a mix.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, copyFile, readFile } from 'node:fs/promises';
import { Low, type Adapter } from 'lowdb';
import { basename } from 'node:path';
import { BlindfoldError } from '../errors.js';
import { beginWrite, faultPoint } from './faults.js';
import { writeFileAtomically } from './file-io.js';
import type { RecordRevisions } from './state.js';

export const STORE_FORMAT = 2;
export const FILE_MODE = 0o600;

export interface Snapshot {
  revision: number;
  /** The journal's file name, in the snapshot's folder. */
  journal: string;
  /** Per collection, the revision at which each record last changed (per-record compare-and-set). */
  revs: RecordRevisions;
  document: unknown;
}

/** What a snapshot file holds: the current format, or a whole document of the previous release. */
export type SnapshotContent = { kind: 'snapshot'; snapshot: Snapshot } | { kind: 'legacy'; document: unknown };

const HINT = 'it was left untouched; restore it from a backup, or move it aside to start a new vault';

export function parseSnapshot(text: string, path: string): SnapshotContent {
  if (text.trim() === '') throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is empty; ${HINT}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is not valid JSON (truncated or damaged); ${HINT}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} holds ${JSON.stringify(parsed)?.slice(0, 40)} instead of a vault; ${HINT}`);
  }
  const o = parsed as Record<string, unknown>;
  if (typeof o.format === 'number' && o.format > STORE_FORMAT) {
    throw new BlindfoldError(
      'VAULT_CORRUPT',
      `the vault file ${path} was written by a newer Blindfold (store format ${o.format}; this one knows ${STORE_FORMAT}); upgrade Blindfold to open it (it was left untouched)`,
    );
  }
  if (o.format !== STORE_FORMAT) return { kind: 'legacy', document: parsed };
  const revs = o.revs as RecordRevisions;
  const revsOk = revs !== null && typeof revs === 'object' && Object.values(revs).every((r) => r !== null && typeof r === 'object');
  if (!Number.isSafeInteger(o.revision) || typeof o.journal !== 'string' || !/^[\w.-]+$/.test(o.journal) || !revsOk || typeof o.document !== 'object' || o.document === null) {
    throw new BlindfoldError('VAULT_CORRUPT', `the vault file ${path} is not a valid Blindfold vault (at its store header); ${HINT}`);
  }
  return { kind: 'snapshot', snapshot: { revision: o.revision as number, journal: o.journal, revs, document: o.document } };
}

/** A fresh journal name for the snapshot at `path` (a new one per snapshot: see file.ts). */
export function newJournalName(path: string): string {
  return `${journalPrefix(path)}${randomBytes(8).toString('hex')}`;
}

/** Every journal of the snapshot at `path` starts with this. */
export function journalPrefix(path: string): string {
  return `${basename(path).replace(/\.json$/, '')}.journal.`;
}

/** Temp files of this snapshot start with this (a writer killed mid-write leaves one: swept under the lock). */
export function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/** Writes `snapshot` over `path` atomically, through lowdb, with the crash points of the kill -9 tests (faults.ts). */
export async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  await new Low<Snapshot>(new AtomicSnapshotFile(path), snapshot).write();
}

/**
 * lowdb's adapter for the snapshot. Its own JSONFile adapter (steno) writes through one fixed temp
 * name without fsync, which two processes can clobber and a crash can leave empty; this one writes
 * atomically (file-io.ts: unique temp file, fsync, rename, folder fsync). Reads go
 * through `parseSnapshot`, since the journal beside the snapshot decides what is current.
 */
class AtomicSnapshotFile implements Adapter<Snapshot> {
  constructor(readonly path: string) {}

  async read(): Promise<Snapshot | null> {
    const content = parseSnapshot(await readFile(this.path, 'utf8'), this.path);
    return content.kind === 'snapshot' ? content.snapshot : null;
  }

  async write(snapshot: Snapshot): Promise<void> {
    const n = beginWrite('snapshot');
    const { revision, journal, revs, document } = snapshot;
    const bytes = Buffer.from(JSON.stringify({ format: STORE_FORMAT, revision, journal, revs, document }));
    await writeFileAtomically(this.path, tempPrefix(this.path), bytes, {
      halfWritten: () => faultPoint('temp-partial', n),
      written: () => faultPoint('after-temp-write', n),
      synced: () => faultPoint('before-rename', n),
      renamed: () => faultPoint('after-rename', n),
    });
  }
}

/** Keeps a file of the previous release as `<file>.v1.bak` before it is migrated; an older backup is kept as it is. */
export async function backUpLegacy(path: string): Promise<string> {
  const backup = `${path}.v1.bak`;
  await copyFile(path, backup, fsConstants.COPYFILE_EXCL).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await chmod(backup, FILE_MODE);
  return backup;
}

/** A migrated document's records all count as last changed at its revision (no finer history exists). */
export function legacyRevisions(raw: unknown, collections: readonly string[], revision: number): RecordRevisions {
  const revs: RecordRevisions = {};
  for (const c of collections) {
    const keys = Object.keys((raw as Record<string, Record<string, unknown> | undefined>)[c] ?? {});
    revs[c] = Object.fromEntries(keys.map((k) => [k, revision]));
  }
  return revs;
}
