/**
 * A whole document put into an empty vault file at once (`blindfold migrate`, issue 22 item 3),
 * keeping its revision and the revision at which each record last changed. Going through `update`
 * would land the records as new changes at revision 1, 2, …: the audit trail copied beside the vault
 * claims the source's revision numbers, and those claims would no longer pair (`audit verify`).
 *
 * Only into a place holding no vault: merging two vaults is never done. The snapshot and its empty
 * journal are written as a compaction writes them (the journal first, then the snapshot renamed
 * into place), under the store's lock: a copy cut off before the rename leaves no vault, and the
 * store's next writer sweeps the journal nobody names.
 */
import { constants as fsConstants } from 'node:fs';
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BlindfoldError } from '../errors.js';
import { ABSENT, identityOf, lockFile } from './file-io.js';
import type { StoreDocument } from './secret-store.js';
import { FILE_MODE, newJournalName, parseSnapshot, writeSnapshot } from './snapshot.js';
import type { RecordRevisions } from './state.js';

/** Refuses a vault file of the previous release: reading one rewrites it (file.ts), and a source is read only. */
export async function assertCurrentFormat(path: string): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text !== undefined && parseSnapshot(text, path).kind === 'legacy') {
    throw new BlindfoldError('BAD_INPUT', `the vault file ${path} is in the previous release's format; open it once with this release (e.g. \`blindfold list\`) to bring it up to date, then move it`);
  }
}

export async function importIntoEmptyFile(path: string, document: StoreDocument, revs: RecordRevisions): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const release = await lockFile(path);
  try {
    if (identityOf(path) !== ABSENT) throw new BlindfoldError('VERSION_CONFLICT', `${path} already holds a vault; nothing was written`);
    const journal = newJournalName(path);
    const handle = await open(join(dirname(path), journal), fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, FILE_MODE);
    await handle.sync().finally(() => handle.close());
    await writeSnapshot(path, { revision: document.revision, journal, revs, document });
    await chmod(path, FILE_MODE);
  } finally {
    await release().catch(() => {});
  }
}
