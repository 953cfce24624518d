// B1 (added latency) and B2 (throughput at 32 concurrent calls) of SPEC §10: Blindfold's
// http_request over a real stdio MCP session vs a direct undici request and vs a bare SDK fetch
// tool, all against the same loopback stub returning 1 KiB.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Agent, request } from 'undici';
import { startStub } from '../stub-server.mjs';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const BARE = new URL('./bare-server.mjs', import.meta.url).pathname;
const NO_AUDIT = new URL('./no-audit-server.mjs', import.meta.url).pathname;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function connect(command, args, env) {
  const transport = new StdioClientTransport({ command, args, env, stderr: 'ignore' });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

async function throughput(fn, concurrency, total) {
  for (let i = 0; i < 50; i++) await fn();
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await fn();
    }),
  );
  return total / ((performance.now() - t) / 1000);
}

export async function run({ samples = 500, total = 2000 } = {}) {
  const stub = await startStub();
  const root = mkdtempSync(join(tmpdir(), 'blindfold-bench-'));
  const env = { PATH: process.env.PATH, HOME: root, BLINDFOLD_HOME: join(root, 'home'), BLINDFOLD_LOG_LEVEL: 'warn' };
  const key = 'bench-key-0123456789abcdefghijklmnop';
  spawnSync(process.execPath, [CLI, 'init'], { env, encoding: 'utf8' });
  const set = spawnSync(process.execPath, [CLI, 'set', 'BENCH_KEY', '--host', stub.origin], { env, input: key, encoding: 'utf8' });
  if (set.status !== 0) throw new Error(set.stderr);
  const url = `${stub.url}/bytes?kb=1`;
  const dispatcher = new Agent();
  const direct = async () => {
    const res = await request(url, { headers: { authorization: `Bearer ${key}` }, dispatcher });
    await res.body.text();
  };
  const blindfold = await connect(process.execPath, [CLI, 'serve'], env);
  const viaBlindfold = async () => {
    const r = await blindfold.callTool({ name: 'http_request', arguments: { method: 'GET', url, headers: { Authorization: 'Bearer <secrets.BENCH_KEY>' } } });
    if (r.isError) throw new Error(r.content[0].text);
  };
  const noAudit = await connect(process.execPath, [NO_AUDIT], env);
  const viaNoAudit = async () => {
    const r = await noAudit.callTool({ name: 'http_request', arguments: { method: 'GET', url, headers: { Authorization: 'Bearer <secrets.BENCH_KEY>' } } });
    if (r.isError) throw new Error(r.content[0].text);
  };
  const bare = await connect(process.execPath, [BARE], env);
  const viaBare = async () => {
    await bare.callTool({ name: 'fetch', arguments: { url, headers: { authorization: `Bearer ${key}` } } });
  };

  // Interleaved in blocks: each round times a block of calls on every path, so a noisy moment on
  // the machine hits all of them alike instead of whichever path happened to be measured then.
  const paths = { directMs: direct, bareSdkMs: viaBare, blindfoldMs: viaBlindfold, noAuditMs: viaNoAudit };
  for (const fn of Object.values(paths)) for (let i = 0; i < 50; i++) await fn();
  const timings = Object.fromEntries(Object.keys(paths).map((k) => [k, []]));
  const BLOCK = 50; // calls in a row per path, so each process stays warm within its block
  for (let done = 0; done < samples; done += BLOCK) {
    for (const [k, fn] of Object.entries(paths)) {
      for (let i = 0; i < BLOCK; i++) {
        const t = performance.now();
        await fn();
        timings[k].push(performance.now() - t);
      }
    }
  }
  const b1 = Object.fromEntries(Object.entries(timings).map(([k, xs]) => [k, median(xs)]));
  b1.noAuditAddedMs = b1.noAuditMs - b1.directMs;
  b1.bareAddedMs = b1.bareSdkMs - b1.directMs;
  b1.blindfoldAddedMs = b1.blindfoldMs - b1.directMs;

  const b2 = {
    directRps: await throughput(direct, 32, total),
    bareSdkRps: await throughput(viaBare, 32, total),
    blindfoldRps: await throughput(viaBlindfold, 32, total),
  };
  b2.bareRatio = b2.bareSdkRps / b2.directRps;
  b2.blindfoldRatio = b2.blindfoldRps / b2.directRps;

  await blindfold.close();
  await noAudit.close();
  await bare.close();
  await dispatcher.close();
  await stub.close();
  rmSync(root, { recursive: true, force: true });
  return { b1, b2, samples, total };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
