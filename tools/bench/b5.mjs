// B5 (SPEC §10, issue 19): the store at 10,000 secrets. In process, on the embedded file store:
// `set` of one value, `list_secrets`' listing (cached, and rebuilt after a change), and what a
// running vault and its redaction index spend to take up a value set by another writer (a second
// Vault on the same file, as another process would be), against the same refresh with nothing new.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePaths } from '../../dist/config.js';
import { VaultIndex } from '../../dist/redact/vault-index.js';
import { Vault } from '../../dist/vault/vault.js';

const COUNT = 10_000;
const ROUNDS = 21;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function openVault(home) {
  const vault = await Vault.open({ paths: resolvePaths({ home }), env: { BLINDFOLD_HOME: home }, notice: () => {}, create: true });
  // The audit append is left out: it is one line either way; what B5 measures is the store.
  vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
  return vault;
}

export async function run() {
  const home = mkdtempSync(join(tmpdir(), 'blindfold-b5-'));
  try {
    const server = await openVault(home);
    const index = new VaultIndex(server);
    await index.complete(); // attaches the fingerprinter, as a server does
    const filler = Array.from({ length: COUNT }, (_, i) => ({ name: `FILLER_${i}`, value: `filler-value-${i}-abcdefgh`, hosts: [`https://api${i % 50}.example.com`] }));
    await server.setMany(filler);
    const admin = await openVault(home);
    await new VaultIndex(admin).complete();
    // The import's journal outgrew the snapshot and was folded into it (compaction), as a long-lived vault's is.
    const bytes = statSync(join(home, 'vault.json')).size;

    const set = [];
    for (let i = 0; i < ROUNDS; i++) set.push(await timed(() => admin.set({ name: `FILLER_${i}`, value: `new-value-${i}-abcdefghij`, hosts: ['https://api0.example.com'] })));

    await server.refresh();
    await index.complete();
    const listCached = [];
    for (let i = 0; i < ROUNDS; i++) listCached.push(await timed(async () => { await server.refresh(); server.list(); }));

    const idle = [];
    const external = [];
    const listAfter = [];
    for (let i = 0; i < ROUNDS; i++) {
      idle.push(await timed(async () => { await server.refresh(); await index.complete(); server.resolve('FILLER_1', 'default'); }));
      await admin.set({ name: 'FILLER_2', value: `external-${i}-abcdefghijkl`, hosts: ['https://api0.example.com'] });
      external.push(await timed(async () => { await server.refresh(); await index.complete(); server.resolve('FILLER_2', 'default'); }));
      listAfter.push(await timed(() => server.list()));
    }
    await index.close();
    await server.close();
    await admin.close();
    return {
      count: COUNT,
      bytes,
      setMs: median(set),
      setMaxMs: Math.max(...set),
      listCachedMs: median(listCached),
      listAfterChangeMs: median(listAfter),
      idleMs: median(idle),
      externalMs: median(external),
      extraMs: median(external) - median(idle),
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

export function markdown(r) {
  const f = (n) => Number(n).toFixed(1);
  const verdict = (ok) => (ok ? 'met' : '**missed**');
  return `## B5 — the store at ${r.count.toLocaleString('en')} secrets (in process, embedded file store)

| operation | median | target |
| --- | --- | --- |
| \`set\` of one value (max of ${ROUNDS}: ${f(r.setMaxMs)} ms) | ${f(r.setMs)} ms | ≤ 50 ms: ${verdict(r.setMs <= 50)} |
| \`list_secrets\` listing, nothing changed | ${f(r.listCachedMs)} ms | ≤ 20 ms: ${verdict(r.listCachedMs <= 20)} |
| \`list_secrets\` listing, rebuilt after a change | ${f(r.listAfterChangeMs)} ms | ≤ 20 ms: ${verdict(r.listAfterChangeMs <= 20)} |
| next call after another writer's \`set\` (refresh, index, resolve) | ${f(r.externalMs)} ms | — |
| the same call with nothing new | ${f(r.idleMs)} ms | — |
| extra work to take up the other writer's \`set\` | ${f(r.extraMs)} ms | ≤ 5 ms: ${verdict(r.extraMs <= 5)} |

Command: \`node tools/bench/b5.mjs\` (after \`npm run build\`). The vault's snapshot is ${(r.bytes / 1e6).toFixed(1)} MB. Medians
of ${ROUNDS} rounds; the audit append is left out of both writers (one line either way). The store is the
per-record file store (src/store/file.ts): a \`set\` appends the one changed record to the journal (prepared
line, commit line, one fsync) under the lock; a reader that sees the journal grow applies only the new lines,
and the redaction index is fed only the changed names (src/vault/change-log.ts).`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  console.log(process.argv.includes('--markdown') ? markdown(r) : JSON.stringify(r, null, 2));
}
