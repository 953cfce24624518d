// The team server's session re-check (src/mcp/http-recheck.ts), found by a red team: when the store
// cannot be read and an open session's token has expired, the next check was armed for the past
// expiry (delay 0), so each failed check re-armed at once — a hot loop that burned a core and flooded
// the log for as long as the store stayed unreadable. A failed check now waits the short net (2 s),
// and still ends the streams of tokens whose expiry has passed (known without the store: fail closed).
import { readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, tempHome, type TempHome } from '../helpers/cli.js';
import { INITIALIZE, mcpHeaders, rawRequest, startHttpServer, type HttpServerProcess } from '../helpers/http-server.js';

let t: TempHome;
let server: HttpServerProcess | undefined;

beforeAll(() => {
  t = tempHome({ BLINDFOLD_LOG_LEVEL: 'error' });
  expect(runCli(['init'], { env: t.env }).code).toBe(0);
});

afterAll(async () => {
  await server?.stop();
  t?.cleanup();
});

it('a store that cannot be read, once an open session\'s token has expired, does not make the re-check spin', async () => {
  runCli(['token', 'create', 'keeper', '--secrets', 'A_*'], { env: t.env });
  const expiresAt = new Date(Date.now() + 2500);
  const r = runCli(['token', 'create', 'brief', '--secrets', 'A_*', '--expires', expiresAt.toISOString()], { env: t.env });
  expect(r.code, r.stderr).toBe(0);
  const token = r.stdout.trim();
  server = await startHttpServer(t.env);
  const opened = await rawRequest(server.url, { headers: mcpHeaders(token), body: INITIALIZE });
  expect(opened.status).toBe(200);
  const session = { 'mcp-session-id': String(opened.headers['mcp-session-id']), 'mcp-protocol-version': '2025-06-18' };
  const initialized = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
  expect((await rawRequest(server.url, { headers: mcpHeaders(token, session), body: initialized })).status).toBe(202);
  let streamEnded = false;
  const streamStatus = await new Promise<number>((resolve, reject) => {
    const req = request(server!.url, { method: 'GET', headers: { accept: 'text/event-stream', authorization: `Bearer ${token}`, ...session } }, (res) => {
      res.resume().on('close', () => (streamEnded = true));
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject).end();
  });
  expect(streamStatus).toBe(200);
  // The vault document becomes unreadable (a half-written copy restored by hand, a disk error...).
  const vaultFile = readdirSync(t.home).find((f) => /^vault.*\.json$/.test(f));
  expect(vaultFile).toBeDefined();
  writeFileSync(join(t.home, vaultFile!), '{ not json');
  // Open until the expiry: what ends it below is the expiry, not a stream that failed from the start.
  await new Promise((res) => setTimeout(res, Math.max(0, expiresAt.getTime() - Date.now() - 300)));
  expect(streamEnded).toBe(false);
  await new Promise((res) => setTimeout(res, Math.max(0, expiresAt.getTime() - Date.now()) + 2000));
  const failures = server.stderr().split('could not be checked against their tokens').length - 1;
  // The safety net retries every 2 s: a handful of failures over these seconds, not thousands.
  expect(failures).toBeLessThan(20);
  // Fail closed: the expiry is known without the store, so the expired token's open stream is ended anyway.
  expect(streamEnded).toBe(true);
}, 30_000);
