// Second red team of issue 18, family 2 through task outputs. A task's output is composed by the
// admin's template from step results already judged, then scanned once more as a whole
// (src/tasks/runner.ts, src/broker.ts redactValue). A piece found only in that composition (two
// fields the template joins, each below a window) makes the output the withheld notice, but it is
// neither a tripwire nor a partial hit: no suspension, no allowance. So a guess at a value never
// placed, split over two inputs that the upstream stores and the template joins, is confirmed by
// which output comes back, as often as the agent likes. Closed: a piece in the output is judged as in one more answer (AnswerJudge.composed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectStdio, type StdioSession } from '../helpers/mcp.js';
import { setSecret } from '../helpers/adversarial.js';
import { closeHomes, listenOn } from '../helpers/upstream.js';

const CRM_KEY = 'rt2-crm-Qz7Xv2Lp9Rt4Mn8Bc3Hd6Wy5';
// A value bound elsewhere, never placed by this task. Lowercase hex: read back exactly.
const OTHER = 'f3a7c1e5b2d8f4a6c0e9b3d7f1a2';

let up: { url: string; close(): Promise<void> };
const homes: Array<{ t: TempHome; s: StdioSession }> = [];

/** A CRM: POST /contacts stores the contact and answers it with an id. */
async function startUpstream(): Promise<typeof up> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const c = JSON.parse(body || '{}') as Record<string, string>;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'c_1042', first_name: c.first_name, last_name: c.last_name, created: true }));
    });
  });
  return listenOn(server);
}

/** The admin's task: the output shows the contact's full name (first and last joined). */
const task = (origin: string) => `name: create_contact
description: Add a contact to the CRM.
inputs:
  type: object
  properties:
    first_name: {type: string, maxLength: 40}
    last_name: {type: string, maxLength: 40}
  required: [first_name, last_name]
steps:
  - name: create
    kind: http
    method: POST
    url: ${origin}/contacts
    secret_name: CRM_KEY
    json: {first_name: "<inputs.first_name>", last_name: "<inputs.last_name>"}
output:
  id: <steps.create.json.id>
  name: "<steps.create.json.first_name> <steps.create.json.last_name>"
`;

beforeAll(async () => {
  up = await startUpstream();
});

afterAll(async () => {
  await closeHomes(homes, [CRM_KEY, OTHER]);
  await up.close();
});

async function fresh(): Promise<StdioSession> {
  const t = tempHome();
  await setSecret(t, 'CRM_KEY', CRM_KEY, '--host', up.url);
  await setSecret(t, 'OTHER', OTHER, '--host', 'https://billing.example.com');
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(join(t.home, 'tasks', 'create-contact.yaml'), task(up.url));
  const s = await connectStdio(t.env);
  homes.push({ t, s });
  return s;
}

/** One guess: 11 characters as the first name, the 12th as the last name (no window in any input). */
const ask = (s: StdioSession, guess: string) => s.call('create_contact', { first_name: guess.slice(0, 11), last_name: guess.slice(11) });
const output = (r: Awaited<ReturnType<typeof ask>>) => JSON.stringify((r.structuredContent as { output?: unknown } | undefined)?.output ?? r.content).replace(/"name":"[0-9a-f]{11} [0-9a-f]"/, '"name":"GUESS"');

describe('redteam2: a guess joined by a task output template', () => {
  it('a right guess at a value never placed gives the same output as a wrong one (or trips the wire)', async () => {
    const s = await fresh();
    const wrong = await ask(s, `${OTHER.slice(0, 11)}${OTHER[11] === '0' ? '1' : '0'}`);
    expect(wrong.isError ?? false, JSON.stringify(wrong.content)).toBe(false);
    const right = await ask(s, OTHER.slice(0, 12));
    const tripped = right.isError === true && /suspend/i.test(JSON.stringify(right.content));
    if (!tripped) expect(output(right)).toBe(output(wrong));
  });

  it('right guesses are confirmed more often than the partial-hit allowance (3) without a suspension', async () => {
    const s = await fresh();
    let confirmed = 0;
    for (let at = 0; at + 12 <= OTHER.length && at < 6; at++) {
      const r = await ask(s, OTHER.slice(at, at + 12));
      if (r.isError) break;
      if (JSON.stringify(r.structuredContent).includes('WITHHELD')) confirmed++;
    }
    expect(confirmed).toBeLessThanOrEqual(3);
  });
});
