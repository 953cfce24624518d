// Per-call cost of the broker as the vault grows: the same http_request (1 KiB, loopback stub)
// in-process, against a vault of 1 and of 10,000 secrets. Anything that scans every secret per
// request shows up here as a ratio far above 1 (it did: 18 ms per call at 10,000 before the
// opted-in origins were cached).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePaths } from '../../dist/config.js';
import { Broker } from '../../dist/broker.js';
import { Vault } from '../../dist/vault/vault.js';
import { startStub } from '../stub-server.mjs';

async function perCall(count, stub) {
  const home = mkdtempSync(join(tmpdir(), 'blindfold-scale-'));
  const vault = await Vault.open({ paths: resolvePaths({ home }), env: { BLINDFOLD_HOME: home }, notice: () => {}, create: true });
  // Filling a throwaway vault is set-up, not what is measured: its changes go unrecorded.
  vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
  const filler = Array.from({ length: count - 1 }, (_, i) => ({ name: `FILLER_${i}`, value: `filler-value-${i}-abcdefgh`, hosts: [`https://api${i % 50}.example.com`] }));
  if (filler.length) await vault.setMany(filler);
  await vault.set({ name: 'SCALE_KEY', value: 'scale-key-value-abcdefgh', hosts: [stub.origin] });
  const broker = new Broker({ vault });
  const principal = { id: 'bench', env: 'development' };
  const req = { method: 'GET', url: `${stub.url}/bytes?kb=1`, headers: { Authorization: 'Bearer <secrets.SCALE_KEY>' } };
  for (let i = 0; i < 500; i++) await broker.httpRequest(principal, req);
  const n = 2000;
  const t = performance.now();
  for (let i = 0; i < n; i++) await broker.httpRequest(principal, req);
  const ms = (performance.now() - t) / n;
  await broker.close();
  rmSync(home, { recursive: true, force: true });
  return ms;
}

export async function run() {
  const stub = await startStub();
  try {
    await perCall(1, stub); // warms the JIT so the first measured vault is not penalised
    const one = await perCall(1, stub);
    const many = await perCall(10_000, stub);
    return { one, many, ratio: many / one };
  } finally {
    await stub.close();
  }
}

export function markdown(r) {
  const f = (n) => Number(n).toFixed(3);
  return `## Broker cost per call as the vault grows (in-process, no MCP)

| vault | mean per \`http_request\` (1 KiB, loopback) |
| --- | --- |
| 1 secret | ${f(r.one)} ms |
| 10,000 secrets | ${f(r.many)} ms (${Number(r.ratio).toFixed(2)}×) |

Not a SPEC §10 figure: a guard against per-request work that grows with the vault. Mean of 2,000
sequential calls after 500 warm-up calls, audit trail left out.`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await run(), null, 2));
