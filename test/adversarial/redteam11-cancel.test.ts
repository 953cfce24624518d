// Red team 11 (held): notifications/cancelled sent right after a tools/call whose input holds a
// right guess. The SDK aborts the handler's signal and sends no answer, but Broker.screenInput does
// not look at that signal: the principal is suspended and the attack is on record all the same, so
// cancelling cannot hide a guess or race the wire.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type TempHome } from '../helpers/cli.js';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome, type Listening } from '../helpers/upstream.js';

const KEY = 'rt11-k9Qm2Zp7Lx4Vb8Nc3Rt6Wy1Hd5Jf0Gs';
let up: Listening;
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

beforeAll(async () => {
  up = await listenOn(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')));
});
afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

describe('redteam11: a cancelled guess (held)', () => {
  it('a call cancelled at once still suspends and is audited as an attack', async () => {
    const s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
    const cancel = new AbortController();
    const pending = s.client
      .callTool({ name: 'http_request', arguments: { method: 'GET', url: `${up.url}/x`, headers: { 'x-note': KEY.slice(5, 19) } } }, undefined, { signal: cancel.signal })
      .then(() => 'answered', () => 'cancelled');
    cancel.abort();
    expect(await pending).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 300));
    expect(visible(await s.call('http_request', { method: 'GET', url: `${up.url}/after` }))).toContain('PRINCIPAL_SUSPENDED');
    const audit = runCli(['audit', '--json'], { env: homes[0]!.t.env });
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toContain('request.attack');
  });
});
