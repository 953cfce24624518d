/**
 * `blindfold audit --follow` on PostgreSQL: the entries so far, then each one appended by any
 * instance, read by sequence number from the chain's table (an entry is a row once its
 * transaction commits, so nothing half-written is shown, and a group of entries committed together
 * arrives together). Polled: appends send no notice, and one indexed read per poll costs the
 * database nothing. While the database is away the follow waits and says so once on stderr, then
 * goes on from where it was; nothing is skipped, nothing shown twice.
 */
import type { AuditEntry } from '../../audit/chain.js';
import { BlindfoldError } from '../../errors.js';
import type { AuditFollower } from '../audit/follow.js';
import { PostgresConnection } from './connection.js';

const DEFAULT_POLL_MS = 500;
/** Rows read per query: a long trail arrives in pages, never as one huge result. */
const PAGE = 1000;

export function followPostgresAudit(
  url: string,
  onEntries: (entries: AuditEntry[]) => void,
  onError: (err: unknown) => void,
  options: { pollMs?: number; onUnavailable?: (down: boolean) => void } = {},
): AuditFollower {
  const connection = new PostgresConnection(url, { poolSize: 1 });
  let lastSeq = -1;
  let stopped = false;
  let down = false;
  let timer: NodeJS.Timeout | undefined;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    void connection.close();
  };

  let first = true;
  const readPages = async () => {
    for (;;) {
      const rows = await connection.query<{ seq: string; entry: AuditEntry }>('following the audit trail', 'SELECT seq, entry FROM blindfold_audit WHERE seq > $1 ORDER BY seq LIMIT $2', [lastSeq, PAGE]);
      if (stopped) return;
      // The first call says what there is so far, even nothing (a table prints its header then).
      if (rows.length > 0 || first) {
        first = false;
        if (rows.length > 0) lastSeq = Number(rows[rows.length - 1]!.seq);
        onEntries(rows.map((r) => r.entry));
      }
      if (rows.length < PAGE) return;
    }
  };

  const poll = async () => {
    try {
      await readPages();
      if (down) options.onUnavailable?.((down = false));
    } catch (err) {
      if (!(err instanceof BlindfoldError && err.code === 'STORE_UNAVAILABLE')) {
        stop();
        onError(err);
        return;
      }
      if (!down) options.onUnavailable?.((down = true));
    }
    if (!stopped) {
      timer = setTimeout(() => void poll(), options.pollMs ?? DEFAULT_POLL_MS);
    }
  };

  void poll();
  return { stop };
}
