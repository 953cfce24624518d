/**
 * Turns of the event loop for long scans. A scan that yields between decoding pieces with a bare
 * `setImmediate` gives nothing away when several scans are in flight: Node runs every immediate
 * queued before its check phase began in that one phase, so eight hostile 1 MiB answers each ran a
 * piece back to back (some 110 ms) before a timer or an I/O callback — another principal's small
 * answer — got its turn. Here scans wait in one queue and ONE piece runs per turn of the loop: an
 * immediate scheduled from inside the check phase runs in the next iteration, after timers and
 * I/O. A call that arrives meanwhile waits for one piece, however many scans are in flight.
 */

const waiting: Array<() => void> = [];
let pumping = false;

/** Resolves when this scan may run its next piece (first in, first out, one per loop turn). */
export function scanTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}

function pump(): void {
  const next = waiting.shift();
  if (next === undefined) {
    pumping = false;
    return;
  }
  // The piece runs in the microtasks right after this callback; the next turn is in the next loop iteration.
  next();
  setImmediate(pump);
}
