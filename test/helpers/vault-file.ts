/**
 * A test's direct look at a vault on disk (the file store: a snapshot plus its journal, src/store):
 * the document as the store would assemble it, and a way to put a hand-edited document back as a
 * fresh snapshot with an empty journal — what a tampering test needs. Never used by the product.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readTail } from '../../src/store/journal.js';
import { journalPrefix, parseSnapshot, STORE_FORMAT } from '../../src/store/snapshot.js';
import { StoreState } from '../../src/store/state.js';
import { VAULT_COLLECTIONS } from '../../src/vault/store.js';

/** The document (records from the snapshot with every committed journal change applied), unchecked. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readVaultDocument(path: string): any {
  const content = parseSnapshot(readFileSync(path, 'utf8'), path);
  if (content.kind === 'legacy') return content.document;
  const { snapshot } = content;
  const document = structuredClone(snapshot.document) as { revision: number };
  document.revision = snapshot.revision;
  const state = new StoreState(document, VAULT_COLLECTIONS, structuredClone(snapshot.revs));
  const journal = join(dirname(path), snapshot.journal);
  for (const change of readTail(readFileSync(journal), 0, snapshot.revision, journal).changes) state.apply(change);
  return state.document;
}

/** Every byte the vault keeps on disk (snapshot and journal), for "left untouched" and "no plaintext" checks. */
export function vaultBytes(path: string): string {
  const content = parseSnapshot(readFileSync(path, 'utf8'), path);
  const journal = content.kind === 'snapshot' ? readFileSync(join(dirname(path), content.snapshot.journal), 'utf8') : '';
  return `${readFileSync(path, 'utf8')}\n${journal}`;
}

/** Replaces the vault with `document` as a snapshot at its revision and an empty journal (JSON text may be given as is). */
export function writeVaultDocument(path: string, document: unknown, indent?: number): void {
  const old = parseSnapshot(readFileSync(path, 'utf8'), path);
  const journal = `${journalPrefix(path)}${randomBytes(8).toString('hex')}`;
  writeFileSync(join(dirname(path), journal), '', { mode: 0o600 });
  const revision = (document as { revision?: number }).revision ?? 0;
  const text = JSON.stringify({ format: STORE_FORMAT, revision, journal, revs: {}, document }, null, indent);
  writeFileSync(path, text, { mode: 0o600 });
  if (old.kind === 'snapshot') rmSync(join(dirname(path), old.snapshot.journal), { force: true });
}
