/**
 * Crash points for the kill -9 tests (SPEC §11) — a test seam, inert unless BLINDFOLD_FAULT is set.
 *
 *   BLINDFOLD_FAULT=<point>[:<n>]
 *
 * makes this process kill itself with SIGKILL (a real kill -9: no handler, no cleanup, no flush)
 * at <point> of its <n>-th vault write of that kind (default 1; journal writes and snapshot
 * writes are counted apart, per process, so a `rotate-key`, which commits a start change, re-wrap
 * batches and a final switch, can be stopped mid-rotation wherever compactions fall). Just before dying it writes one line, `blindfold: FAULT <point> (write <n>)`, to
 * stderr so a test can tell that the kill landed there and not somewhere else. The points, in the
 * order a write passes them. A change to an existing vault is one journal write (journal.ts):
 *
 *   prepare-partial   half of the prepared line is appended (a torn line)
 *   after-prepare     the prepared line is appended, its audit entry not yet
 *   after-audit       the audit entry claiming the revision is appended, the commit line not yet
 *   commit-partial    half of the commit line is appended
 *   after-commit      the commit line is appended and fsynced; lock still held
 *
 * and a snapshot (creating a vault, migrating one, compacting the journal) is one snapshot write:
 *
 *   temp-partial      half of the new snapshot is in the unique temp file (a torn temp file)
 *   after-temp-write  all of it is written to the temp file, not yet fsynced
 *   before-rename     the temp file is fsynced and closed, not yet renamed over the vault
 *   after-rename      renamed over the vault, folder not yet fsynced, old journal not yet removed
 *
 * The variable can do nothing but that: the value is matched whole against the names above and a
 * count of 1–999999; anything else is ignored (with one line on stderr saying so). It is read once,
 * on the first write. It never changes what is written, never skips a step and never runs anything.
 */
import { writeSync } from 'node:fs';

const FAULT_ENV = 'BLINDFOLD_FAULT';

export const FAULT_POINTS = [
  'prepare-partial',
  'after-prepare',
  'after-audit',
  'commit-partial',
  'after-commit',
  'temp-partial',
  'after-temp-write',
  'before-rename',
  'after-rename',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

interface Armed {
  point: FaultPoint;
  write: number;
}

let armed: Armed | null | undefined;
const writes = { journal: 0, snapshot: 0 };

function parse(raw: string | undefined): Armed | null {
  if (raw === undefined || raw === '') return null;
  const m = /^([a-z-]+)(?::([1-9][0-9]{0,5}))?$/.exec(raw);
  const point = m && (FAULT_POINTS as readonly string[]).includes(m[1]!) ? (m[1] as FaultPoint) : undefined;
  if (!m || !point) {
    say(`blindfold: ${FAULT_ENV} ignored: expected one of ${FAULT_POINTS.join(', ')}, optionally followed by :<n>\n`);
    return null;
  }
  return { point, write: m[2] ? Number(m[2]) : 1 };
}

function say(line: string): void {
  try {
    writeSync(2, line);
  } catch {
    // stderr closed or full: the test will see the kill without the line and fail, as it should.
  }
}

/** Called once at the start of every vault write of a kind; returns its number among this process's writes of that kind. */
export function beginWrite(kind: 'journal' | 'snapshot'): number {
  if (armed === undefined) armed = parse(process.env[FAULT_ENV]);
  return ++writes[kind];
}

/** A crash point inside write number `write`. Does nothing unless BLINDFOLD_FAULT names this point and write. */
export function faultPoint(point: FaultPoint, write: number): void {
  if (!armed || armed.point !== point || armed.write !== write) return;
  say(`blindfold: FAULT ${point} (write ${write})\n`);
  process.kill(process.pid, 'SIGKILL');
}
