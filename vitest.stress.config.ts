// SPEC §11's heavy reliability tests: kill -9 inside writes and rotate-key (≥ 50 kills), concurrent
// writer processes, 1,000 concurrent calls. Slow by design, so apart from `npm test`; CI runs both.
import { defineConfig } from 'vitest/config';
import { shared, STRESS_TESTS } from './vitest.config.js';

// One project, not the suite's projects; the same global set-up (PostgreSQL, the temp check).
export default defineConfig({
  test: { ...shared, include: [STRESS_TESTS], globalSetup: ['test/helpers/postgres.ts', 'test/helpers/temp-check.ts'], maxWorkers: 2, reporters: ['default'] },
});
