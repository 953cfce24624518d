// The exchange's edges, in process against a loopback server: a body cut by the server, a body
// that stalls past the deadline, and a body longer than the read limit. None may hang or pass a
// partial body off as whole.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedAgent } from '../../src/egress/connector.js';
import { sendFollowingRedirects } from '../../src/egress/redirects.js';

let server: Server;
let origin: string;
let dispatcher: Dispatcher;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('x'.repeat(100), () => res.socket?.destroy());
    } else if (req.url === '/stall' || req.url === '/stall-length') {
      res.writeHead(200, req.url === '/stall' ? { 'content-type': 'text/plain' } : { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('partial');
      // never ends: the deadline must end the exchange
    } else if (req.url === '/cut-free') {
      // Declared length past the read limit: counted and cut, not read whole.
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5000' });
      res.end('y'.repeat(5000));
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('y'.repeat(5000));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dispatcher = await createGuardedAgent({ isOriginAllowed: (o) => o === origin });
});

afterAll(async () => {
  await dispatcher.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const send = (path: string, timeoutMs = 30_000, readLimit = 1 << 20) =>
  sendFollowingRedirects(
    { method: 'GET', url: new URL(`${origin}${path}`), headers: {} },
    { dispatcher: async () => dispatcher, timeoutMs, readLimit, isOriginOptedIn: (o) => o === origin, refuseHop: () => undefined },
  );

describe('sending', () => {
  it('a body the server cuts short is an upstream error, not a short answer', async () => {
    await expect(send('/cut')).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
  });

  it('a body that stalls past the time limit ends in TIMEOUT', async () => {
    await expect(send('/stall', 300)).rejects.toMatchObject({ code: 'TIMEOUT' });
    // With a Content-Length the body is read whole by undici: the deadline still ends it.
    await expect(send('/stall-length', 300)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('a body past the read limit is cut at the limit and said to be', async () => {
    const { response } = await send('/long', 30_000, 1234);
    expect(response.cut).toBe(true);
    expect(response.body.length).toBe(1234);
    const declared = await send('/cut-free', 30_000, 1234);
    expect(declared.response.cut).toBe(true);
    expect(declared.response.body.length).toBe(1234);
    const whole = await send('/long');
    expect(whole.response.cut).toBe(false);
    expect(whole.response.body.toString()).toBe('y'.repeat(5000));
  });
});
