// Red team 12c, family 7 (flushing the audit trail), severity: low-medium.
//
// Refusals of one principal are not written when they happen: identical ones (same action, code,
// origin) after the first, and every one past 20 distinct in a minute, are only counted in memory
// and written as an aggregate "when their minute closes (and when the server stops)" (README
// "Cannot be flushed"; src/store/audit — the aggregator). A server process that is killed (SIGKILL:
// an MCP client killing a server that does not exit fast enough, the OOM killer, a container
// stop) loses every count it held: up to a minute of an agent's refused calls (here 30 of 50
// refused private-address probes) never reach the trail, though README says "Counts add up to
// every refusal" and "each entry is written with write(2) before the call proceeds, so a killed
// process loses nothing it logged". A burst of refusals just before a kill leaves no trace beyond
// the ones written one by one. Fixed: counts are written a second after the first of them at the
// latest (src/audit/aggregate.ts COUNT_FLUSH_MS), so a kill loses at most the last second of counts
// (README "Cannot be flushed"); the test kills the server just past that second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CLI, runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { setSecret } from '../helpers/adversarial.js';

const VALUE = 'kill-Rm7Tq2Wz9Xb4Nc8Lv5Hp6';
let t: TempHome;

beforeAll(async () => {
  t = tempHome();
  await setSecret(t, 'KEY', VALUE, '--host', 'https://api.example.com');
});

afterAll(() => t?.cleanup());

describe('family 7: refusals counted in memory survive a killed server', () => {
  it('50 refused calls, then SIGKILL a second and a half later: the trail still counts 50 refusals', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'serve'], env: t.env as Record<string, string>, stderr: 'pipe' });
    const client = new Client({ name: 'killed', version: '1.0.0' });
    await client.connect(transport);
    // 25 identical refusals (aggregated after the first), then 25 distinct ones (past 20, counted).
    for (let i = 0; i < 25; i++) await client.callTool({ name: 'http_request', arguments: { method: 'GET', url: 'http://10.0.0.1/x' } });
    for (let i = 0; i < 25; i++) await client.callTool({ name: 'http_request', arguments: { method: 'GET', url: `http://10.0.0.${i + 2}/y` } });
    const pid = transport.pid!;
    await new Promise((r) => setTimeout(r, 1500)); // past COUNT_FLUSH_MS: before, the minute's counts were lost
    process.kill(pid, 'SIGKILL');
    await client.close().catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    const entries = JSON.parse(runCli(['audit', '--json'], { env: t.env }).stdout) as Array<{ action: string; outcome?: string; reason?: string; count?: number }>;
    const refusals = entries.filter((e) => (e.action === 'request.sent' || e.action === 'request.denied') && e.outcome !== 'ok');
    const counted = refusals.reduce((sum, e) => sum + (e.count ?? 1), 0);
    expect(counted, 'refused calls missing from the trail after the server was killed').toBe(50);
  }, 15_000);
});
