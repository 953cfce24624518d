/**
 * What the start of `serve --http` leaves resident (B6, issue 21). The start reads and indexes
 * every record in a few hundred milliseconds, and what survives V8's young-generation collections
 * meanwhile makes V8 double the young generation up to its largest size (16 MB semi-spaces on
 * Node 20), pages that an idle server then holds until V8's memory reducer shrinks it again, 8 to
 * 30 s later; and the start's garbage (the first read of the vault, the bundle's load) waits for a
 * full collection that an idle process does not run before then either.
 *
 * So, for the start only: the young generation does not grow (V8's `--semi-space-growth-factor`
 * is 1 while it runs), and once the start's work is done one full collection returns its garbage
 * and the growth factor is V8's default again, so that under load the young generation grows as it
 * always did. A forced collection alone frees nothing of the young generation: V8 shrinks it only
 * in its memory-reducing collections (measured: RSS 98 MB before and after `gc()` 1.5 s after start).
 *
 * Both use V8 flags set at run time (`v8.setFlagsFromString`), which Node documents as possibly
 * doing nothing: then memory is as before, nothing else changes. A growth factor the user gave
 * Node themselves (NODE_OPTIONS or the command line) is left alone.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** V8's default `--semi-space-growth-factor` (Node 20 to 24). */
const DEFAULT_GROWTH_FACTOR = 2;

/** After the server listens: the records are read by then, and the redaction index fed (at 1,000 secrets in well under a second). */
export const START_SETTLE_MS = 1000;

/** Whether the user gave Node a growth factor of their own: then it is theirs, and left as it is. */
const givenByUser = () => [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /semi[-_]space[-_]growth[-_]factor/.test(a));

/**
 * Only the team server (`serve --http`) holds: a young generation that does not grow makes the
 * start collect more often, some 20 to 40 ms more before the port opens (measured at 1,000
 * secrets), which the stdio server's cold start (B4) cannot spare and the team server, started
 * once and left running, can. The loader and the action each decide from the command line alone.
 */
const holds = (args: readonly string[]) => args.includes('--http') && !givenByUser();

/**
 * Keeps the young generation at its start size until `settleStart` runs. Called by the loader
 * once the server's bundle is compiled (V8 accepts a code cache only under the flags it was made
 * with, so the flag is never set while one is read or written), before it runs: running it is
 * where the growth began.
 */
export function holdYoungGenerationForStart(args: readonly string[] = process.argv.slice(2)): void {
  if (holds(args)) v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/** V8's default growth again (also before the build writes the code cache: see above). */
export function releaseYoungGeneration(): void {
  if (!givenByUser()) v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}

let settled = false;

/** Once the start's work is done: one full collection, then V8's default growth again (nothing when nothing was held). */
export function settleStart(args: readonly string[] = process.argv.slice(2)): void {
  if (settled || !holds(args)) return;
  settled = true;
  collectGarbage();
  releaseYoungGeneration();
}

/** One full, synchronous garbage collection: `gc` exposed to a new context only, for this one call. */
function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed();
  v8.setFlagsFromString('--expose-gc');
  let gc: unknown;
  try {
    gc = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  if (typeof gc === 'function') (gc as () => void)();
}
