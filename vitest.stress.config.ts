// SPEC §11's heavy reliability tests: kill -9 inside writes and rotate-key (≥ 50 kills), concurrent
// writer processes, 1,000 concurrent calls. Slow by design, so apart from `npm test`; CI runs both.
import { defineConfig } from 'vitest/config';
import base, { STRESS_TESTS } from './vitest.config.js';

// Not mergeConfig: it would append to `include` and run the whole suite again.
// The spread keeps the rest, the temp check (globalSetup) included.
export default defineConfig({ test: { ...base.test, include: [STRESS_TESTS], exclude: ['**/node_modules/**'] } });
