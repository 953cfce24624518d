/**
 * `blindfold migrate` (issue 22 item 3): a vault moved between the file and PostgreSQL, values never
 * decrypted. Steps, each refusing rather than guessing:
 *
 * 1. The source is opened as any command opens it (so the key is checked, a rotation under way is
 *    refused) and read whole: document, per-record revisions, audit trail. Its chain is verified
 *    with the audit key before anything is written: a broken or cut trail is not spread. Nothing
 *    is written to the source.
 * 2. The destination is read: empty, or holding this very vault in this very state (a copy run
 *    before, perhaps cut off: it goes on from there), or refused — another vault, or this one at
 *    another state, is never merged or overwritten.
 * 3. What it lacks is written without the key (whole.ts): revisions kept, so the entries' claims
 *    pair with the store; a file's trail then vault, each atomic; PostgreSQL in one transaction.
 * 4. Verified: the destination read back equals the source record for record, its trail holds the
 *    source's entries MAC for MAC (a file's head record is signed here, as the chain's writer would),
 *    and the chain verifies there against the destination's revision.
 */
import type { AuditEntry } from '../../audit/chain.js';
import { BlindfoldError } from '../../errors.js';
import { verifyAudit } from '../../store/audit/query.js';
import { readWholeTrail, signHead, trailExists } from '../../store/audit/whole-trail.js';
import { assertCurrentFormat } from '../../store/file-import.js';
import { storeHomeState } from '../../store/home-state.js';
import { postgresHomeState } from '../../store/postgres/home.js';
import { Vault, type OpenOptions } from '../vault.js';
import { overlap, type VaultEnd } from './ends.js';
import { countsOf, readWhole, sameDocument, startsWith, storeOf, writeWhole, type WholeCounts, type WholeVault } from './whole.js';

export interface MoveReport extends WholeCounts {
  from: string;
  to: string;
  /** The destination already held part or all of the copy (a run cut off before): it was finished. */
  resumed: boolean;
  verified: true;
}

/** `open` names the key as for any command (BLINDFOLD_MASTER_KEY(_FILE), else the home's master.key). */
export async function moveVault(from: VaultEnd, to: VaultEnd, open: Omit<OpenOptions, 'store' | 'storeUrl' | 'state'>): Promise<MoveReport> {
  const overlapping = overlap(from, to);
  if (overlapping) throw new BlindfoldError('BAD_INPUT', `${overlapping}; nothing was done`);
  const { source, key } = await readSource(from, open);
  const done = await destinationState(to, source);
  if (!done.vault || !done.trail) await writeWhole(to, source, done);
  await verifyDestination(to, source, key);
  return { from: from.location, to: to.location, ...countsOf(source), resumed: done.vault || done.trail, verified: true };
}

interface AuditKey {
  key: Uint8Array;
  vaultId: string;
}

async function readSource(from: VaultEnd, open: Omit<OpenOptions, 'store' | 'storeUrl' | 'state'>): Promise<{ source: WholeVault; key: AuditKey }> {
  // Opening a file of the previous release would rewrite it: refused before the open.
  if (from.kind === 'file') await assertCurrentFormat(from.vault);
  const store = storeOf(from);
  const paths = from.kind === 'file' ? { ...open.paths, vault: from.vault, audit: from.audit } : open.paths;
  const state = from.kind === 'file' ? storeHomeState(store, paths) : postgresHomeState(from.url, store);
  const vault = await Vault.open({ ...open, paths, store, state });
  try {
    const source = await readWhole(from, store);
    if (!source) throw new BlindfoldError('VAULT_NOT_FOUND', `no vault at ${from.location} (nothing was copied)`);
    if (source.entries.length > 0 && source.entries[0]!.seq !== 1) {
      throw new BlindfoldError('BAD_INPUT', `the audit trail of ${from.location} starts at seq ${source.entries[0]!.seq} (older entries were pruned past retention); migrate moves a whole trail only (nothing was copied)`);
    }
    const key = { key: await vault.auditKey(), vaultId: vault.vaultId };
    await verifyChain(from, key, source.document.revision, 'source');
    return { source, key };
  } finally {
    await vault.close();
  }
}

/** What of the copy the destination already holds; throws when it holds anything else. */
async function destinationState(to: VaultEnd, source: WholeVault): Promise<{ vault: boolean; trail: boolean }> {
  const there = await readWhole(to);
  const refuse = (what: string) => new BlindfoldError('VERSION_CONFLICT', `${to.location} ${what}; two vaults are never merged: give an empty destination (nothing was written)`);
  if (there) {
    if (there.document.vaultId !== source.document.vaultId) throw refuse('already holds another vault');
    if (!sameDocument(there, source)) throw refuse(`already holds this vault at another state (revision ${there.document.revision}, the source's is ${source.document.revision})`);
  }
  let trail: AuditEntry[] | undefined = there?.entries;
  if (to.kind === 'file') trail = trailExists(to.audit) ? readWholeTrail(to.audit).entries : undefined;
  if (trail && !startsWith(trail, source.entries)) throw refuse('holds an audit trail that is not this vault\'s');
  return { vault: there !== null, trail: trail !== undefined };
}

async function verifyDestination(to: VaultEnd, source: WholeVault, key: AuditKey): Promise<void> {
  const there = await readWhole(to);
  const failed = (what: string) => new BlindfoldError('VAULT_CORRUPT', `the copy at ${to.location} did not verify: ${what}; run migrate again, or remove it and start over`);
  if (!there || !sameDocument(there, source)) throw failed('its document is not the source\'s record for record');
  if (!startsWith(there.entries, source.entries)) throw failed('its audit trail does not hold the source\'s entries');
  if (to.kind === 'file') signHead(to.audit, key.key, there.entries.at(-1), there.entries[0]?.seq ?? 1);
  const entries = await verifyChain(to, key, there.document.revision, 'destination');
  if (entries !== there.entries.length || entries < source.entries.length) throw failed(`its audit trail verified ${entries} entries, the source has ${source.entries.length}`);
}

/** The chain at `end` checked with the audit key (its claims paired with `revision`); its entry count. */
async function verifyChain(end: VaultEnd, { key, vaultId }: AuditKey, revision: number, which: string): Promise<number> {
  let result;
  if (end.kind === 'file') {
    result = verifyAudit(end.audit, key, vaultId, revision);
  } else {
    const { openAuditTrail } = await import('../../store/postgres/index.js');
    const trail = await openAuditTrail(end.url, { key, vaultId, poolSize: 1 });
    try {
      result = trail.verify(revision);
    } finally {
      trail.close();
    }
  }
  if (!result.ok) {
    throw new BlindfoldError('VAULT_CORRUPT', `the ${which}'s audit trail at ${end.location} does not verify: ${result.problem ?? 'unknown problem'}${which === 'source' ? ' (nothing was copied)' : ''}`);
  }
  return result.entries;
}
