// Red team 12: the library handle's agent-facing methods (src/open.ts Blindfold) that take text an
// agent chose and never put it to the tripwire. Over MCP every tools/call is screened whole as sent
// (src/mcp/screen-calls.ts: the tool name, and request_secret's `id`, included); the handle screens
// only what reaches Broker.screenInput:
//  - runTask(name, inputs) looks the task up by `name` first and throws TASK_NOT_FOUND (quoting the
//    name when it is name-shaped) before runTask's screen of the inputs runs: a guess written as the
//    task name (what an agent writes as the tool name in a runtime that dispatches tasks by name
//    through the handle) never trips;
//  - pollSecretRequest(id) only checks the suspension: a guess as the id answers REQUEST_NOT_FOUND.
//  - listSecrets / listSecretsPage: the filter is never screened (Broker.listSecrets).
// Severity: low — no oracle (a right and a wrong guess are answered alike), but promise 4a ("secret
// material in what an agent sends ... suspends that principal") does not hold at this door, and an
// agent can probe without ever being stopped. Root cause: src/open.ts runTask (lookup before
// screen), pollSecretRequest and listSecretsPage (no broker.screenInput on their arguments).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold, type Blindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

// Letters only after the prefix, so a piece of it is name-shaped (the refusal would repeat it).
const KEY = `rt12-${[...randomBytes(28)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;
const GUESS = `t${KEY.slice(5, 21)}`;

let up: Listening;
let t: TempHome;

beforeAll(async () => {
  up = await listenOn(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')));
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
});

afterAll(async () => {
  t.cleanup();
  await up.close();
});

async function suspendedAfter(blindfold: Blindfold): Promise<boolean> {
  try {
    await blindfold.httpRequest({ method: 'GET', url: `${up.url}/after` });
    return false;
  } catch (err) {
    return (err as { code?: string }).code === 'PRINCIPAL_SUSPENDED';
  }
}

async function guessed(principal: string, send: (b: Blindfold) => Promise<unknown>): Promise<{ suspended: boolean; echoed: boolean }> {
  const blindfold = await openBlindfold({ home: t.home, principal });
  try {
    let text = '';
    try {
      text = JSON.stringify(await send(blindfold));
    } catch (err) {
      text = String(err);
    }
    return { suspended: await suspendedAfter(blindfold), echoed: text.toLowerCase().includes(GUESS.slice(1).toLowerCase()) };
  } finally {
    await blindfold.close();
  }
}

describe('redteam12: a guess in a library handle call trips the wire', () => {
  it('as the task name of runTask', async () => {
    const r = await guessed('rt12-lib-taskname', (b) => b.runTask(GUESS, {}));
    expect(r.echoed, 'the refusal repeats the guessed name').toBe(false);
    expect(r.suspended).toBe(true);
  });

  it('as the id of pollSecretRequest', async () => {
    const r = await guessed('rt12-lib-poll', (b) => b.pollSecretRequest(GUESS, undefined, 0));
    expect(r.suspended).toBe(true);
  });

  it('as the filter of listSecretsPage', async () => {
    const r = await guessed('rt12-lib-filter', (b) => b.listSecretsPage({ filter: GUESS }));
    expect(r.suspended).toBe(true);
  });
});
