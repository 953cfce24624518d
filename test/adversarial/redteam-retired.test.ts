// Red team of issue 18, family 9 (retired values). A credential removed from the vault, or rotated
// out past the kept history, may still work, and upstreams still hold it; issue 18 item 9 keeps
// its fingerprints (tombstones) so it stays redacted. `it.fails` marks what comes back today.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

const KEY = 'rt-retired-Qz7Xv2Lp9Rt4Mn8Bc3Hd6';
const OLD = 'rt-old-Wk5Jf1Gs0Ay7Ue4Io2Pq9Zx3';

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** `/audit-log` is an upstream's own log of the keys it was called with, old ones included. */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`2026-11-01 key=${OLD} ok\n2026-12-01 key=${KEY} ok\n`);
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [KEY, OLD]);
  await up.close();
});

describe('redteam: removed values are forgotten', () => {
  it('a secret removed with `rm` is still redacted after the server restarts', async () => {
    const t = tempHome();
    await setSecret(t, 'KEY', KEY, '--host', up.url);
    await setSecret(t, 'OLD_KEY', OLD, '--host', 'https://legacy.example.com');
    expect(runCli(['rm', 'OLD_KEY', '--force'], { env: t.env }).code).toBe(0);
    const s = await connectStdio(t.env);
    homes.push({ t, s });
    const r = await s.call('http_request', { method: 'GET', url: `${up.url}/audit-log` });
    expect(survivingWindow(visible(r), KEY)).toBeNull();
    expect(survivingWindow(visible(r), OLD)).toBeNull();
  });
});
