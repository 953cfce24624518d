/**
 * One append transaction's work on the chain (issue 22), in the caller's transaction: the chain's
 * advisory lock (held to the transaction's end), what other instances appended since this one last
 * read, and the next entries after them, inserted in one statement. Used for a group of appends
 * (audit-group.ts: many entries, one lock, one catch-up, one COMMIT) and for the single entry a
 * store change appends in its own transaction (transaction.ts).
 */
import { genesis, macKey, macOf, type AuditEntry, type AuditFields } from '../../audit/chain.js';
import type { PoolClient } from 'pg';

/** pg_advisory_xact_lock key of the chain's head: "bfaudit" in ASCII, fixed across releases. */
export const AUDIT_LOCK = '27697116485020020';

export type ChainKey = ReturnType<typeof macKey>;

/** Rows read under the chain's lock, the appended entries last; `whole`: every stored row (the mirror had diverged). */
export interface Read {
  rows: AuditEntry[];
  whole: boolean;
  /** The entries this transaction appended, in chain order (the tail of `rows`). */
  written: AuditEntry[];
}

export interface ChainContext {
  key: ChainKey;
  vaultId: string;
  now: () => number;
  /** This instance's last entry as it last read it (asked once the lock is held: the freshest). */
  last: () => AuditEntry | undefined;
}

/**
 * Takes the lock, catches up, then asks `take` for the fields to append (asked under the lock, so
 * that appends which arrived while the lock was awaited join this transaction). Returns the rows
 * read and written — all stored rows (`whole`) when the database no longer holds this instance's
 * last entry as it read it (restored from a backup): the chain goes on from what is stored, never
 * from the mirror. Nothing is inserted when `take` gives nothing.
 */
export async function chainOn(client: PoolClient, context: ChainContext, take: () => AuditFields[]): Promise<Read> {
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK]);
  const mine = context.last();
  // From our last entry on (one round trip): it must still be there, unchanged.
  let rows = (await client.query<{ entry: AuditEntry }>('SELECT entry FROM blindfold_audit WHERE seq >= $1 ORDER BY seq', [mine?.seq ?? 0])).rows.map((r) => r.entry);
  const whole = mine !== undefined && rows[0]?.mac !== mine.mac;
  if (whole) rows = (await client.query<{ entry: AuditEntry }>('SELECT entry FROM blindfold_audit ORDER BY seq')).rows.map((r) => r.entry);
  const caughtUp = whole ? rows : rows.filter((e) => e.seq > (mine?.seq ?? 0));
  let last = caughtUp.at(-1) ?? (whole ? undefined : mine);
  const time = new Date(context.now()).toISOString();
  const written = take().map((fields) => {
    const next: AuditEntry = { time, seq: (last?.seq ?? 0) + 1, ...fields, prev: last?.mac ?? genesis(context.vaultId), mac: '' };
    next.mac = macOf(context.key, next as unknown as Record<string, unknown>);
    last = next;
    return next;
  });
  if (written.length > 0) {
    // One statement for the whole group, whatever its size (two array parameters, not 2 × n placeholders).
    await client.query('INSERT INTO blindfold_audit (seq, entry) SELECT * FROM unnest($1::bigint[], $2::json[])', [
      written.map((e) => e.seq),
      written.map((e) => JSON.stringify(e)),
    ]);
  }
  return { rows: [...caughtUp, ...written], whole, written };
}
