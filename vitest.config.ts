import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/** The heavy reliability tests (SPEC §11) run apart, with `npm run test:stress` (vitest.stress.config.ts). */
export const STRESS_TESTS = 'test/stress/**/*.test.ts';

/**
 * `ai` resolved from another install of the AI SDK, when AI_SDK_PACKAGE names its folder: .ci/run
 * runs the AI SDK tests once more on Node 24 against ai@7 (which needs Node 22 or newer, so the
 * devDependency stays ai@6). Each subpath of its exports map is pointed at its ES module file.
 */
function aiSdkFrom(dir: string | undefined): { find: RegExp; replacement: string }[] {
  if (!dir) return [];
  const { exports } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports: Record<string, string | { import: string }> };
  return Object.entries(exports).map(([subpath, target]) => ({
    find: new RegExp(`^ai${subpath.slice(1).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
    replacement: join(dir, typeof target === 'string' ? target : target.import),
  }));
}

/** What every project of the suite shares (the stress config reuses it too). */
export const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  setupFiles: ['test/helpers/property-seed.ts'],
};

const resolve = { alias: aiSdkFrom(process.env.AI_SDK_PACKAGE) };

export default defineConfig({
  resolve,
  test: {
    ...shared,
    // A real PostgreSQL server for the run (the PostgreSQL store's tests; first, so its data folder is
    // in the system temp directory its unprivileged user can reach), and a temp folder for the run
    // (TMPDIR), which must be empty at the end: nothing left in /tmp. The root's global set-up runs
    // once for every project, which inherit what it provides.
    globalSetup: ['test/helpers/postgres.ts', 'test/helpers/temp-check.ts'],
    // Integration tests spawn real processes; two cores are all CI has.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      // Unit tests share one module graph per worker (no fresh import of the product per file):
      // 71 small files spent more time importing it than testing it (72 s against 28 s measured).
      { resolve, test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      // Everything else gets a fresh module graph per file: these start servers, hold module-level
      // state on purpose (a process per principal) and spawn the built CLI.
      { resolve, test: { ...shared, name: 'suite', include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', 'test/unit/**', STRESS_TESTS] } },
    ],
  },
});
