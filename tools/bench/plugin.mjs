// B8 of SPEC §10: the plugin path. An `http_request` through `openBlindfold` in-process (what every
// runtime adapter calls), and through the adapters' shared tool call (input validation by the MCP
// schema, then the handle), against a direct undici request to the same loopback stub (1 KiB body),
// sampled alternately in the same run. Audit trail on, as in production.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { resolvePaths } from '../../dist/config.js';
import { openBlindfold } from '../../dist/open.js';
import { pluginTools } from '../../dist/plugins/tools.js';
import { Vault } from '../../dist/vault/vault.js';
import { startStub } from '../stub-server.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

export async function run({ warmup = 300, samples = 1500 } = {}) {
  const stub = await startStub();
  const home = mkdtempSync(join(tmpdir(), 'blindfold-plugin-bench-'));
  const key = `bench_${randomBytes(16).toString('hex')}`;
  const vault = await Vault.open({ paths: resolvePaths({ home }), env: { BLINDFOLD_HOME: home }, notice: () => {}, create: true });
  vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
  await vault.set({ name: 'BENCH_KEY', value: key, hosts: [stub.origin] });
  const blindfold = await openBlindfold({ home, principal: 'bench', allowOrigins: [stub.origin] });
  const httpTool = pluginTools(blindfold, { expose: ['http_request'] })[0];
  const url = `${stub.url}/bytes?kb=1`;
  const input = { method: 'GET', url, headers: { Authorization: 'Bearer <secrets.BENCH_KEY>' } };
  const dispatcher = new Agent();
  const paths = {
    direct: async () => {
      const res = await request(url, { headers: { authorization: `Bearer ${key}` }, dispatcher });
      await res.body.text();
    },
    handle: () => blindfold.httpRequest(input),
    adapter: () => httpTool.call(input),
  };
  const times = { direct: [], handle: [], adapter: [] };
  try {
    for (let i = 0; i < warmup; i++) for (const fn of Object.values(paths)) await fn();
    for (let i = 0; i < samples; i++) {
      for (const [name, fn] of Object.entries(paths)) {
        const t = performance.now();
        await fn();
        times[name].push(performance.now() - t);
      }
    }
  } finally {
    await blindfold.close();
    await dispatcher.close();
    await stub.close();
    rmSync(home, { recursive: true, force: true });
  }
  const direct = median(times.direct);
  const handle = median(times.handle);
  const adapter = median(times.adapter);
  return { samples, direct, handle, adapter, handleAdded: handle - direct, adapterAdded: adapter - direct, ratio: handle / direct };
}

export function markdown(r) {
  const f = (n) => Number(n).toFixed(3);
  return `## B8 — plugin path: \`http_request\` in-process vs direct undici

| path | median per call (1 KiB, loopback) | added |
| --- | --- | --- |
| direct undici request | ${f(r.direct)} ms | — |
| \`openBlindfold(...).httpRequest\` | ${f(r.handle)} ms | **${f(r.handleAdded)} ms** (${Number(r.ratio).toFixed(2)}×) |
| adapters' shared tool call (schema check + handle) | ${f(r.adapter)} ms | ${f(r.adapterAdded)} ms |

Target: ≤ 0.3 ms added. Medians of ${r.samples} calls per path, sampled alternately after a
warm-up, audit trail on. Run alone: \`npm run build && node tools/bench/plugin.mjs\`.`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  console.log(JSON.stringify(r, null, 2));
  console.log(markdown(r));
}
