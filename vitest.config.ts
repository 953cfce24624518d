import { defineConfig } from 'vitest/config';

/** The heavy reliability tests (SPEC §11) run apart, with `npm run test:stress` (vitest.stress.config.ts). */
export const STRESS_TESTS = 'test/stress/**/*.test.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', STRESS_TESTS],
    testTimeout: 60_000,
    setupFiles: ['test/helpers/property-seed.ts'],
    // A temp folder for the run (TMPDIR), which must be empty at the end: nothing left in /tmp.
    globalSetup: ['test/helpers/temp-check.ts'],
    hookTimeout: 60_000,
    // Integration tests spawn real processes; two cores are all CI has.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
