/**
 * The file store's dealings with the file system that are not its format: the cross-process lock,
 * a file's identity, appends that a crash point can cut in two, and sweeping what killed writers
 * left behind.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, statSync, watch, type FSWatcher } from 'node:fs';
import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { BlindfoldError } from '../errors.js';

export const ABSENT = 'absent';
/** A lock whose holder was killed is taken over after this long (proper-lockfile's minimum is 2 s). */
const LOCK_STALE_MS = 2_500;

/** Takes the lock beside `path`; the returned function frees it. `refused` words the error when it does not free up. */
export async function lockFile(
  path: string,
  refused: (reason: string) => BlindfoldError = (reason) =>
    new BlindfoldError('VAULT_LOCKED', `the vault ${path} is locked by another Blindfold process and did not free up (${reason})`),
): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(path, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: 1_000,
      retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 60, randomize: true },
      // Losing the lock mid-write would already have been caught by the catch-up; just say so.
      onCompromised: () => {},
    });
  } catch (err) {
    throw refused((err as Error).message);
  }
}

/** Where a crash test may stop an atomic write (faults.ts): after half, after all, fsynced, renamed. */
export interface WriteStages {
  halfWritten?: () => void;
  written?: () => void;
  synced?: () => void;
  renamed?: () => void;
}

/**
 * Writes `bytes` over `path` so that a crash leaves the old file or the new one, never a mix: a
 * unique temp file (`<tempPrefix><pid>.<random>.tmp`, 0600), fsynced, renamed over `path`, and the
 * folder fsynced. The two halves are written apart so a crash point can fall between them.
 */
export async function writeFileAtomically(path: string, tempPrefix: string, bytes: Buffer, stages: WriteStages = {}): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `${tempPrefix}${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const half = bytes.length >> 1;
  const handle = await open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
  try {
    await handle.writeFile(bytes.subarray(0, half)); // writeFile continues at the handle's position
    stages.halfWritten?.();
    await handle.writeFile(bytes.subarray(half));
    stages.written?.();
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await handle.close();
  stages.synced?.();
  await rename(tmp, path);
  stages.renamed?.();
  await syncFolder(dir);
}

/** A rename or a new file is only durable once its directory entry is. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Names a file's content as of now (inode, size, mtime): a rename or rewrite changes it. */
export function identityOf(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return ABSENT;
  }
}

export function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Writes `bytes` at the handle's end in two halves, with `between` (a crash point) between them. */
export async function writeInHalves(handle: FileHandle, bytes: Buffer, between: () => void): Promise<void> {
  const half = bytes.length >> 1;
  await handle.write(bytes, 0, half);
  between();
  await handle.write(bytes, half, bytes.length - half);
}

/** Calls `onChange` when a file of `path`'s folder that `matches` changes (or when the watcher cannot say which). */
export function watchNames(path: string, matches: (name: string) => boolean, onChange: () => void): FSWatcher {
  const watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
    if (changed === null || matches(changed)) onChange();
  });
  watcher.on('error', () => {}); // the folder went away: callers still have changedSince
  return watcher;
}

/** Removes, from `path`'s folder, the files `isLitter` picks (called under the lock: no writer is live). */
export async function sweep(path: string, isLitter: (name: string) => boolean): Promise<void> {
  const dir = dirname(path);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter(isLitter).map((n) => unlink(join(dir, n)).catch(() => {})));
}
