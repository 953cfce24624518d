// Where B4's start goes (issue 19 item 5): `blindfold serve` over a vault of 10,000 secrets (filled
// as the B4 bench fills it), run with --cpu-prof from spawn to the `tools/list` answer; prints self
// time by file and by function, as shares of the server's profile.
// Run: npm run build && node tools/bench/profile-start.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fillVault } from './cold-start.mjs';
import { summarise } from './cpu-summary.mjs';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'blindfold-profile-start-'));
const home = join(root, 'home');
const env = { PATH: process.env.PATH, HOME: root, BLINDFOLD_HOME: home, BLINDFOLD_LOG_LEVEL: 'warn' };
await fillVault(home);
const start = async (args) => {
  const t = performance.now();
  const client = new Client({ name: 'profile-start', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args, env, stderr: 'ignore' }));
  await client.listTools();
  const ms = performance.now() - t;
  await client.close();
  return ms;
};
await start([CLI, 'serve']); // the first start pays for the file cache
const dir = join(root, 'prof');
const ms = await start(['--cpu-prof', `--cpu-prof-dir=${dir}`, CLI, 'serve']);
await new Promise((r) => setTimeout(r, 1000)); // the profile is written at exit
const { totalMs, byFile, byFunction } = summarise(dir);
console.log(`blindfold serve at 10,000 secrets: tools/list after ${ms.toFixed(0)} ms (profiled); CPU profile of the whole process ${totalMs.toFixed(0)} ms`);
console.log('by file:\n' + byFile.join('\n'));
console.log('by function:\n' + byFunction.join('\n'));
rmSync(root, { recursive: true, force: true });
