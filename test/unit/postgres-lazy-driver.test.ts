// The PostgreSQL driver is loaded only when a PostgreSQL store is used (issue 22): the file-only
// CLI and library never pay for `pg`. Run on the built code in a process of its own (as the product
// runs), which says how many of pg's files Node's module cache holds after importing, then after
// using the store (on a port nothing listens on: STORE_UNAVAILABLE, without any server).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const dist = join(import.meta.dirname, '..', '..', 'dist');

function probe(module: string, use: boolean): { imported: number; used?: number; code?: string } {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(join(dist, 'index.js'))});
    const pgFiles = () => Object.keys(require.cache).filter((k) => k.includes('/node_modules/pg/')).length;
    const mod = await import(${JSON.stringify(join(dist, module))});
    const out = { imported: pgFiles() };
    if (${use}) {
      const store = mod.vaultPostgresStore('postgres://blindfold@127.0.0.1:1/none', { connectTimeoutMs: 2000 });
      out.code = await store.read().then(() => 'read', (e) => e.code);
      await store.close();
      out.used = pgFiles();
    }
    process.stdout.write(JSON.stringify(out));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { imported: number; used?: number; code?: string };
}

it('importing Blindfold loads no PostgreSQL driver; using a PostgreSQL store does', () => {
  expect(probe('index.js', false)).toEqual({ imported: 0 });
  const used = probe('vault/store.js', true);
  expect(used.imported).toBe(0);
  expect(used.code).toBe('STORE_UNAVAILABLE');
  expect(used.used).toBeGreaterThan(0); // the probe sees pg when it is there
});
