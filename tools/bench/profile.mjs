// Where a Blindfold `http_request` spends its CPU (issue 19 item 5, B2): 32 concurrent calls over
// one stdio session against the loopback stub (1 KiB body), the server run with --cpu-prof; prints
// self time by file and by function, as shares of the server's profile.
// Run: npm run build && node tools/bench/profile.mjs [bare]   (bare: the bare SDK fetch server instead)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startStub } from '../stub-server.mjs';
import { summarise } from './cpu-summary.mjs';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const BARE = new URL('./bare-server.mjs', import.meta.url).pathname;
const bare = process.argv[2] === 'bare';
const stub = await startStub();
const root = mkdtempSync(join(tmpdir(), 'blindfold-profile-'));
const dir = join(root, 'prof');
const env = { PATH: process.env.PATH, HOME: root, BLINDFOLD_HOME: join(root, 'home'), BLINDFOLD_LOG_LEVEL: 'warn' };
const key = 'bench-key-0123456789abcdefghijklmnop';
spawnSync(process.execPath, [CLI, 'init'], { env });
spawnSync(process.execPath, [CLI, 'set', 'BENCH_KEY', '--host', stub.origin], { env, input: key });
const args = ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...(bare ? [BARE] : [CLI, 'serve'])];
const client = new Client({ name: 'profile', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command: process.execPath, args, env, stderr: 'ignore' }));
const url = `${stub.url}/bytes?kb=1`;
const call = () =>
  bare
    ? client.callTool({ name: 'fetch', arguments: { url, headers: { authorization: `Bearer ${key}` } } })
    : client.callTool({ name: 'http_request', arguments: { method: 'GET', url, headers: { Authorization: 'Bearer <secrets.BENCH_KEY>' } } });
for (let i = 0; i < 200; i++) await call();
const started = performance.now();
let n = 0;
await Promise.all(Array.from({ length: 32 }, async () => { while (n++ < 2000) await call(); }));
const rate = 2000 / ((performance.now() - started) / 1000);
await client.close();
await new Promise((r) => setTimeout(r, 1500)); // the profile is written at exit
await stub.close();

const { totalMs, byFile, byFunction } = summarise(dir);
console.log(`${bare ? 'bare SDK fetch server' : 'blindfold serve'}: ${rate.toFixed(0)} calls/s; server CPU profile ${totalMs.toFixed(0)} ms for 2,200 calls (${(totalMs / 2200).toFixed(3)} ms per call)`);
console.log('by file:\n' + byFile.join('\n'));
console.log('by function:\n' + byFunction.join('\n'));
rmSync(root, { recursive: true, force: true });
process.exit(0);
