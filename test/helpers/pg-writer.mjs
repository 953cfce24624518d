// A writer process for the PostgreSQL reliability tests (test/stress/postgres-*.test.ts): opens the
// vault of BLINDFOLD_HOME / BLINDFOLD_STORE through the built library and sets secrets, printing one
// JSON line per set once it resolved (so a line on stdout means "committed"). Values come from
// WRITER_SEED (the test's, so it can look for them in every output); none is ever printed.
//   node pg-writer.mjs PREFIX COUNT concurrent|sequential [SHARED]
// Set i is PREFIX_i, or SHARED_((i div 2) % SHARED) for every second set when SHARED > 0 (records every
// writer updates: compare-and-set under contention).
import { openBlindfold } from '../../dist/index.js';

const [prefix, countText, mode, sharedText] = process.argv.slice(2);
const count = Number(countText);
const shared = Number(sharedText ?? 0);
const seed = process.env.WRITER_SEED ?? '';
const handle = await openBlindfold({ principal: `writer-${prefix}` });
const nameOf = (i) => (shared > 0 && i % 2 === 1 ? `SHARED_${Math.floor(i / 2) % shared}` : `${prefix}_${i}`);
const one = async (i) => {
  const name = nameOf(i);
  try {
    const outcome = await handle.admin.set({ name, value: `${seed}-${prefix}-${i}`, hosts: ['api.example.com'] });
    process.stdout.write(JSON.stringify({ name, i, ok: true, version: outcome.info.version }) + '\n');
  } catch (err) {
    process.stdout.write(JSON.stringify({ name, i, ok: false, code: err?.code ?? 'unknown' }) + '\n');
  }
};
if (mode === 'concurrent') await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
else for (let i = 0; i < count; i++) await one(i);
await handle.close();
