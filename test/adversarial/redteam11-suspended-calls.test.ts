// Red team 11: calls a suspended principal still gets answered on the same MCP session.
//
// Mechanism: the suspension is checked in Broker.#refuseIfSuspended, reached only from httpRequest,
// runTask (screenInput) and requestSecret (screenInput). Blindfold.listSecretsPage
// (Broker.listSecrets) and Blindfold.pollSecretRequest (SecretRequests.poll) never look at it, so
// list_secrets and request_secret {id} keep answering after the wire tripped. The README's promise
// 9 says "meanwhile its every call is refused with PRINCIPAL_SUSPENDED"; what it gets (names, bound
// hosts, use counts and last-use times, which move as other principals use the secrets; the state
// of its requests) is metadata, not values: low.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visible, type StdioSession } from '../helpers/mcp.js';
import { closeHomes, listenOn, servedHome, type Listening } from '../helpers/upstream.js';
import type { TempHome } from '../helpers/cli.js';

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

describe('redteam11: a suspended principal on the same session', () => {
  it('list_secrets and request_secret {id} are refused with PRINCIPAL_SUSPENDED like every other call', async () => {
    const s = await servedHome(homes, [['KEY', KEY, '--host', up.url]]);
    const tripped = await s.call('http_request', { method: 'GET', url: `${up.url}/x`, headers: { 'x-note': KEY.slice(5, 19) } });
    expect(visible(tripped)).toContain('suspended');
    expect(visible(await s.call('http_request', { method: 'GET', url: `${up.url}/y` }))).toContain('PRINCIPAL_SUSPENDED');
    expect(visible(await s.call('list_secrets', {}))).toContain('PRINCIPAL_SUSPENDED');
    expect(visible(await s.call('request_secret', { id: 'rt11-any' }))).toContain('PRINCIPAL_SUSPENDED');
  });
});
