// Issue 18 item 6 / B3: an 8 MB tool call refused by the stdio transport before JSON is parsed:
// time from the first byte written to the refusal read, and the server's RSS growth (Linux /proc).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');
export async function run(size = 8e6) {
  const root = mkdtempSync(join(tmpdir(), 'cap-'));
  const env = { PATH: process.env.PATH, HOME: root, BLINDFOLD_HOME: join(root, 'bf'), BLINDFOLD_LOG_LEVEL: 'error' };
  spawnSync(process.execPath, [CLI, 'init'], { env, stdio: 'ignore' });
  const child = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
  let buf = '';
  const waiters = [];
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      waiters.shift()?.(JSON.parse(line));
    }
  });
  const next = () => new Promise((r) => waiters.push(r));
  const send = (m) => child.stdin.write(JSON.stringify(m) + '\n');
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'measure', version: '1' } } });
  await next();
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  await next();
  await new Promise((r) => setTimeout(r, 300));
  const before = { hwm: hwm(), rss: rss() };
  const body = 'a'.repeat(size);
  const line = Buffer.from(JSON.stringify({ method: 'tools/call', params: { name: 'http_request', arguments: { method: 'POST', url: 'https://example.com/', body } }, jsonrpc: '2.0', id: 3 }) + '\n');
  const t0 = performance.now();
  const answer = next();
  child.stdin.write(line);
  const refused = await answer;
  const ms = performance.now() - t0;
  const after = { hwm: hwm(), rss: rss() };
  send({ jsonrpc: '2.0', id: 4, method: 'ping' });
  const pong = await next();
  const result = ({ bytes: line.length, ms: Math.round(ms * 10) / 10, hwmGrowthMB: (after.hwm - before.hwm) / 1e6, rssGrowthMB: (after.rss - before.rss) / 1e6, refused: refused.error?.message?.slice(0, 60) ?? refused, id: refused.id, pong: pong.id });
  child.stdin.end();
    return result;
}

export function markdown(r) {
  return `## Argument cap — an 8 MB tool call refused before parsing (issue 18)\n\n| message | refused in | peak RSS growth | RSS growth after | session still answers |\n| --- | --- | --- | --- | --- |\n| ${(r.bytes / 1e6).toFixed(1)} MB | **${r.ms} ms** | ${r.hwmGrowthMB.toFixed(1)} MB | ${r.rssGrowthMB.toFixed(1)} MB | ${r.pong === 4 ? 'yes' : 'no'} |\n\nTargets: refused in ≤ 50 ms, RSS growth ≤ 50 MB. One run, \`blindfold serve\` on an empty vault; the line is\nskipped as it streams (src/mcp/capped-lines.ts). Run alone: \`npm run build && node tools/bench/argument-cap.mjs\`.`;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(await run())}\n`);
