// Fifth red team, task files (SPEC §6: "Inputs substituted into a URL are percent-encoded per
// component and can never change the host"): the same for step OUTPUTS fed to a later step.
//
// The attack: the agent cannot write a task's URL, but it controls what an upstream stores and
// reflects (an issue title, a note). Step 1 sends the agent's text to the API, which answers it back
// as `next`; step 2 — carrying the task's secret by secret_name — puts `<steps.first.json.next>` in
// its path, query, a header and a JSON body (a whole-string reference, so it takes the value's own
// type: an object whose KEYS are the agent's text too). The agent's text tries to move step 2 to
// its own host (`//host`, `@host`, `\host`, a dot segment) or to be read again as template syntax
// (`<secrets.OTHER>`, a secret of the vault the task does not use), so that step 2 sends a secret
// somewhere, or sends one it was never meant to. Defended today (src/tasks/bind.ts encodes and
// escapes step values like inputs); kept as coverage of the step-output path.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUntouched, startAttacker } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { connectInProcess, seedSecret, type InProcessSession } from '../helpers/inprocess.js';
import { visible } from '../helpers/mcp.js';
import type { Stub } from '../helpers/stub.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const KEY = `rt5-key-${randomBytes(16).toString('hex')}`;
const OTHER = `rt5-other-${randomBytes(16).toString('hex')}`;

let t: TempHome;
let attacker: Stub;
let api: Listening;
let s: InProcessSession;
const received: Array<{ url: string; headers: Record<string, unknown>; body: string }> = [];

beforeAll(async () => {
  attacker = await startAttacker();
  // The API: /store answers the note it was sent (as a value and as an object key); anything else echoes.
  api = await listenOn(
    createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString('utf8')));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: { ...req.headers }, body });
        const note = req.url?.startsWith('/store') ? (JSON.parse(body) as { note: string }).note : '';
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ next: note, obj: { [note]: note } }));
      });
    }),
  );
  t = tempHome();
  await seedSecret(t.env, 'KEY', KEY, '--host', api.url, '--inject', 'header:x-api-key:{value}');
  // A secret of the vault the task does not use, allowed everywhere on the same API.
  await seedSecret(t.env, 'OTHER', OTHER, '--host', api.url, '--host', `http://127.0.0.1:${attacker.port}`, '--placement', 'header', '--placement', 'body', '--placement', 'query', '--placement', 'path');
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(
    join(t.home, 'tasks', 'rt5-relay.yaml'),
    `name: rt5-relay\ndescription: Store a note, then fetch the item it names.\n` +
      `inputs:\n  type: object\n  properties:\n    note: {type: string, maxLength: 200}\n  required: [note]\n` +
      `steps:\n` +
      `  - name: first\n    kind: http\n    method: POST\n    url: ${api.url}/store\n    secret_name: KEY\n    json: {note: <inputs.note>}\n` +
      `  - name: second\n    kind: http\n    method: POST\n    url: ${api.url}/items/<steps.first.json.next>?n=<steps.first.json.next>\n    secret_name: KEY\n` +
      `    headers: {X-Note: "<steps.first.json.next>"}\n` +
      `    json: {note: "<steps.first.json.next>", again: "re: <steps.first.json.next>"}\n`,
  );
  // The same relay whose second step sends the stored object whole (its keys are the agent's text).
  writeFileSync(
    join(t.home, 'tasks', 'rt5-relay-object.yaml'),
    `name: rt5-relay-object\ndescription: Store a note, then send the object the API made of it.\n` +
      `inputs:\n  type: object\n  properties:\n    note: {type: string, maxLength: 200}\n  required: [note]\n` +
      `steps:\n` +
      `  - name: first\n    kind: http\n    method: POST\n    url: ${api.url}/store\n    secret_name: KEY\n    json: {note: <inputs.note>}\n` +
      `  - name: second\n    kind: http\n    method: POST\n    url: ${api.url}/items/object\n    secret_name: KEY\n    json: {obj: "<steps.first.json.obj>"}\n`,
  );
  s = await connectInProcess(t.env);
}, 30_000);

afterAll(async () => {
  await s?.close();
  await api?.close();
  await attacker?.close();
  t?.cleanup();
});

const notes = (port: number) => [
  `//127.0.0.1:${port}/x`,
  `@127.0.0.1:${port}`,
  `\\\\127.0.0.1:${port}\\x`,
  `http://127.0.0.1:${port}/`,
  '..',
  '%2e%2e',
  '<secrets.OTHER>',
  '<<secrets.OTHER>',
  'x<secrets.OTHER>y',
  '</x><secrets.OTHER>',
];

describe('redteam5: a step output the agent shaped cannot move a later step or be read as template syntax', () => {
  it('every crafted note leaves step 2 on the task\'s origin under /items/, with OTHER never resolved', async () => {
    for (const note of notes(attacker.port)) {
      const before = received.length;
      const r = await s.call('rt5-relay', { note });
      const seenNow = received.slice(before);
      // Whatever happened (refused or sent), nothing went elsewhere and OTHER's value was never placed.
      for (const req of seenNow) {
        expect(JSON.stringify(req), `note ${JSON.stringify(note)}: OTHER was resolved`).not.toContain(OTHER);
        expect(req.url.startsWith('/store') || req.url.startsWith('/items/'), `note ${JSON.stringify(note)}: step 2 went to ${req.url}`).toBe(true);
      }
      expect(visible(r)).not.toContain(OTHER);
      expect(visible(r)).not.toContain(KEY);
    }
    expectUntouched(attacker);
    // The check proved something: step 2 did run for most notes (only dot segments are refused).
    const items = received.filter((r) => r.url.startsWith('/items/'));
    expect(items.length).toBeGreaterThanOrEqual(notes(attacker.port).length - 2);
    // The template-shaped notes reached step 2 as literal text, in the body and the header.
    expect(items.some((r) => r.body.includes('<secrets.OTHER>') && r.headers['x-note'] === '<secrets.OTHER>')).toBe(true);
  });
});

describe('redteam5: object keys of a step output are data too', () => {
  // README "Task files": "Inputs are data, never template syntax: … elsewhere an input containing
  // <secrets.X> is sent as that literal text". A whole-string reference takes the value's own type;
  // src/tasks/bind.ts bindJson escapes the strings of that value (mapJson(value, escapeTemplate))
  // but not its object KEYS, so the broker reads an upstream-chosen key as template syntax: a key
  // `<secrets.OTHER>` makes step 2 refused (PLACEMENT_NOT_ALLOWED "secrets can never be placed in
  // a JSON object key"), `<inputs.x>` BAD_INPUT. Nothing leaks (keys never resolve), but content an
  // agent planted upstream decides whether an admin's task runs, and the key is not sent as text.
  it('a stored object whose key is "<secrets.OTHER>" is sent on as that literal key, OTHER never resolved', async () => {
    const before = received.length;
    const r = await s.call('rt5-relay-object', { note: '<secrets.OTHER>' });
    const sent = received.slice(before).find((x) => x.url === '/items/object');
    expect(visible(r)).not.toContain(OTHER);
    expect(r.isError, visible(r)).toBeFalsy();
    expect(sent, 'step 2 was not sent').toBeDefined();
    expect(JSON.parse(sent!.body)).toEqual({ obj: { '<secrets.OTHER>': '<secrets.OTHER>' } });
  });
});
