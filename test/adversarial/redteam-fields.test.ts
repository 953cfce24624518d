// Red team of issue 18: fields of the answer that reach the agent without passing the wall. SPEC:
// "every string [the broker] returns or throws has been through the redactor". `it.fails` marks
// fields that carry the value out today.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, visible, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { survivingWindow } from '../helpers/windows.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

// Lowercase letters, digits and '-' (what a URL scheme may hold); the value is read back exactly.
const KEY = 'rtfield-qz7xv2lp9rt4mn8bc3hd6wk5';

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];
let s: StdioSession;

async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = String(req.headers['x-api-key'] ?? '');
    if (url.pathname === '/download') {
      // A download named after the token it was fetched with (signed-URL style file names).
      res.writeHead(200, { 'content-type': `application/octet-stream; name="export-${key}.bin"` });
      return res.end(Buffer.from([0, 1, 2, 3, 0xff]));
    }
    if (url.pathname === '/app-link') {
      // A "return to the app" redirect whose custom scheme is built from what the caller sent.
      res.writeHead(302, { location: `${key}:callback`, 'content-type': 'text/plain' });
      return res.end('moved');
    }
    res.writeHead(404).end();
  });
  return listenOn(server);
}

beforeAll(async () => {
  up = await startUpstream();
  const t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  s = await connectStdio(t.env);
  homes.push({ t, s });
});

afterAll(async () => {
  await closeHomes(homes, [KEY]);
  await up.close();
});

const get = (path: string) => s.call('http_request', { method: 'GET', url: `${up.url}${path}`, headers: { 'x-api-key': '<secrets.KEY>' } });

describe('redteam: strings that skip the wall', () => {
  // Mechanism: presentResponse (src/redact/response.ts) builds binary.contentType from the raw
  // res.headers['content-type'], not from the scrubbed headers.
  it('the content type of a binary answer is scrubbed', async () => {
    const r = await get('/download');
    expect(survivingWindow(visible(r), KEY)).toBeNull();
  });

  // Mechanism: redirectRefusal (src/policy/authorize.ts) quotes next.protocol, and the broker
  // spreads redirectNotFollowed into the result without the redactor (src/broker.ts).
  it('the reason a redirect was not followed is scrubbed', async () => {
    const r = await get('/app-link');
    expect(survivingWindow(visible(r), KEY)).toBeNull();
  });
});
