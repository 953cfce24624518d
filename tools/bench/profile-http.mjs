// Where the team server's CPU goes under B2's one-session load (issue 21): `blindfold serve --http`
// run with --cpu-prof, one agent token, 32 concurrent `http_request` calls on one session against
// the loopback stub (1 KiB); prints self time by file and by function, as shares of its profile.
// Run: npm run build && node tools/bench/profile-http.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { resolvePaths } from '../../dist/config.js';
import { fingerprintVaultWrites } from '../../dist/redact/vault-index.js';
import { Vault } from '../../dist/vault/vault.js';
import { startStub } from '../stub-server.mjs';
import { inclusiveOwn, summarise } from './cpu-summary.mjs';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const stub = await startStub();
const root = mkdtempSync(join(tmpdir(), 'blindfold-profile-http-'));
const home = join(root, 'home');
const dir = join(root, 'prof');
const env = { PATH: process.env.PATH, HOME: root, BLINDFOLD_HOME: home, BLINDFOLD_LOG_LEVEL: 'warn' };
const vault = await Vault.open({ paths: resolvePaths({ home }), env: { BLINDFOLD_HOME: home }, notice: () => {}, create: true });
vault.recordChangesWith({ record: async () => {}, abort: async () => {} });
await fingerprintVaultWrites(vault);
await vault.setMany([{ name: 'BENCH_KEY', value: 'profile-http-value-Zq9xW2vR7tY4pL0', hosts: [stub.origin] }]);
const { token } = await vault.tokens.create({ name: 'agent', secrets: ['BENCH_KEY'] });
await vault.close();

const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI, 'serve', '--http', '--port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
const url = await new Promise((resolve, reject) => {
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    const m = /server on (http:\/\/\S+\/mcp)/.exec(stderr);
    if (m) resolve(m[1]);
  });
  child.once('close', (code) => reject(new Error(`serve --http exited ${code}: ${stderr}`)));
});
const client = new Client({ name: 'profile-http', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
const target = `${stub.url}/bytes?kb=1`;
const call = () => client.callTool({ name: 'http_request', arguments: { method: 'GET', url: target, headers: { Authorization: 'Bearer <secrets.BENCH_KEY>' } } });
for (let i = 0; i < 200; i++) await call();
const started = performance.now();
let n = 0;
await Promise.all(Array.from({ length: 32 }, async () => { while (n++ < 2000) await call(); }));
const rate = 2000 / ((performance.now() - started) / 1000);
await client.close();
await new Promise((r) => (child.once('close', r), child.kill('SIGTERM'))); // the profile is written at exit
await stub.close();

const { totalMs, byFile, byFunction } = summarise(dir);
console.log(`blindfold serve --http: ${rate.toFixed(0)} calls/s; server CPU profile ${totalMs.toFixed(0)} ms for 2,200 calls (${(totalMs / 2200).toFixed(3)} ms per call)`);
console.log('by file:\n' + byFile.join('\n'));
console.log('by function:\n' + byFunction.join('\n'));
console.log("Blindfold's own functions, inclusive (async continuations included):\n" + inclusiveOwn(dir, fileURLToPath(new URL('../../dist/cli/serve.cjs', import.meta.url))).join('\n'));
rmSync(root, { recursive: true, force: true });
process.exit(0);
