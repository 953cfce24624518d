// Tenth red team, egress: where a value lands in the URL (SPEC §1 promise 3: "in its allowed
// placements"). Blindfold decides a secret's placement on the raw URL text (splitUrlTemplate:
// scheme ends at the FIRST "://"), but the request is sent as the WHATWG parser reads it. For
// special schemes that parser does not need "://" at all: `http:HOST/...` is `http://HOST/...`.
// So in `http:127.0.0.1:P/x?a=://b/<secrets.K>` Blindfold sees the expression in a *path* (after
// the authority "b"), while the URL sent carries the value in its *query string*. A secret the admin
// allowed in the path only (a Telegram-style `/bot<token>/` API) is then sent in a query string,
// a placement the admin did not allow, and one that proxies and servers log as a matter of course.
import { createServer, type IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectInProcess, seedSecret, type InProcessSession } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const VALUE = `rt10-path-${randomBytes(12).toString('hex')}`;

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let t: TempHome;
let api: Listening;
const seen: Seen[] = [];
let s: InProcessSession;

beforeAll(async () => {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  api = await listenOn(server);
  t = tempHome();
  await seedSecret(t.env, 'PATH_ONLY', VALUE, '--host', api.url, '--placement', 'path');
  s = await connectInProcess(t.env);
}, 30_000);

beforeEach(() => {
  seen.length = 0;
});

afterAll(async () => {
  await s?.close();
  await api?.close();
  t?.cleanup();
});

const queryOf = (url: string) => (url.includes('?') ? url.slice(url.indexOf('?')) : '');

describe('redteam10: a path-only secret never rides in the query string', () => {
  it('control: placed in the path, it is sent in the path', async () => {
    const r = await s.call('http_request', { method: 'GET', url: `${api.url}/bot<secrets.PATH_ONLY>/getMe` });
    expect(r.isError, visible(r)).toBeFalsy();
    expect(seen.map((q) => q.url)).toEqual([`/bot${VALUE}/getMe`]);
  });

  it('control: written in the query, it is refused', async () => {
    const r = await s.call('http_request', { method: 'GET', url: `${api.url}/x?token=<secrets.PATH_ONLY>` });
    expect(visible(r)).toContain('PLACEMENT_NOT_ALLOWED');
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['no slashes after the scheme', (p: number) => `http:127.0.0.1:${p}/x?a=://b/<secrets.PATH_ONLY>`],
    ['one slash after the scheme', (p: number) => `http:/127.0.0.1:${p}/x?a=://b/<secrets.PATH_ONLY>`],
    ['backslashes after the scheme', (p: number) => `http:\\\\127.0.0.1:${p}\\x?a=://b/<secrets.PATH_ONLY>`],
  ])('"://" inside the query (%s) does not turn the query into a path', async (_label, url) => {
    const r = await s.call('http_request', { method: 'GET', url: url(api.port) });
    const queries = seen.map((q) => queryOf(q.url));
    expect(queries.some((q) => q.includes(VALUE)), 'the path-only value was sent in a query string').toBe(false);
    expect(r.isError, visible(r)).toBe(true);
  });
});
