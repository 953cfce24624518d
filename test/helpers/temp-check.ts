// Vitest global setup: the run gets a temp folder of its own, and must leave it empty. TMPDIR points
// at it before the workers start, so os.tmpdir() in every test file and in every process a test
// starts with the inherited environment (tempHome passes TMPDIR on) lands there; whatever a test
// forgot to remove is named at the end and fails the run (issue 20: `npm test` leaves nothing in
// the system temp directory). The folder itself is removed either way.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * Node's module compile cache, which the CLI turns on (src/cli/main.ts, Node 22.1+) and Node keeps
 * in os.tmpdir() by design: a cache shared by every run of the CLI, not something a test forgot.
 * It goes with the run's folder.
 */
const NODE_COMPILE_CACHE = 'node-compile-cache';

/** What a folder holds, `depth` levels deep, five entries a level (enough to tell which test left it). */
function contents(path: string, depth: number): string {
  const inside = readdirSync(path, { withFileTypes: true }).slice(0, 5);
  if (inside.length === 0) return 'empty';
  return inside.map((e) => (e.isDirectory() && depth > 1 ? `${e.name}/ (${contents(join(path, e.name), depth - 1)})` : e.name)).join(', ');
}

/** What is in the folder: a test's mkdtemp folder and what it holds, three levels deep (a home's files). */
function leftovers(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === NODE_COMPILE_CACHE) return [];
    if (!entry.isDirectory()) return [entry.name];
    return [`${entry.name}/ (${contents(join(dir, entry.name), 2)})`];
  });
}

export default function setup(): () => void {
  const systemTemp = tmpdir();
  const runTemp = mkdtempSync(join(systemTemp, 'blindfold-test-run-'));
  process.env.TMPDIR = runTemp;
  return () => {
    process.env.TMPDIR = systemTemp;
    let left: string[];
    try {
      left = leftovers(runTemp);
    } finally {
      rmSync(runTemp, { recursive: true, force: true });
    }
    if (left.length > 0) {
      // Vitest prints an error thrown here but still exits 0: the exit code is set by hand.
      process.exitCode = 1;
      process.stderr.write(
        `\nFAIL temp check: the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the run's temp folder (${relative(systemTemp, runTemp)} under ${systemTemp}); each test must remove what it creates:\n  ${left.join('\n  ')}\n`,
      );
    }
  };
}
