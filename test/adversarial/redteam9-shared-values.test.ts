// Ninth red team, metadata of values (held; kept as coverage at the scope boundary): can a scoped
// principal learn that one of its values equals, or shares a window with, a value outside its
// scope? Its own secret is echoed back whole by an honest upstream; the marker, the `redacted`
// list and the withheld flag are the same as for a value no other secret shares, and nothing
// trips. (Whole hits are named after the placed value; an overlapping window of an unplaced value
// inside a whole placed one is not a piece.)
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold, type Blindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const SHARED = `rt9-shared-${randomBytes(12).toString('base64url')}`;
const OVERLAP = `rt9-overlap-${randomBytes(12).toString('base64url')}`;
const ALONE = `rt9-alone-${randomBytes(12).toString('base64url')}`;
let t: TempHome;
let up: Listening;
let core: Blindfold;

beforeAll(async () => {
  up = await listenOn(
    createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: req.headers['x-key'], note: 'ok' }));
    }),
  );
  t = tempHome();
  await setSecret(t, 'A_SHARED', SHARED, '--host', up.url);
  await setSecret(t, 'A_OVERLAP', OVERLAP, '--host', up.url);
  await setSecret(t, 'A_ALONE', ALONE, '--host', up.url);
  // Outside the scope: the same value, and a value sharing a 16-character window with A_OVERLAP.
  await setSecret(t, 'B_SAME', SHARED, '--host', 'https://b.example.com');
  await setSecret(t, 'B_PART', `rt9-b-${OVERLAP.slice(12, 28)}${randomBytes(8).toString('hex')}`, '--host', 'https://b.example.com');
  core = await openBlindfold({ home: t.home, principal: 'rt9-shared' });
}, 30_000);

afterAll(async () => {
  await core?.close();
  await up?.close();
  t?.cleanup();
});

describe('redteam9: values shared with another scope', () => {
  it('the echo of a value shared (whole or by a window) with a secret outside the scope looks like any other', async () => {
    const agent = core.as({ principal: 'rt9-shared-agent', secrets: ['A_*'] });
    const view = async (name: string) => {
      const r = await agent.httpRequest({ method: 'GET', url: `${up.url}/`, headers: { 'x-key': `<secrets.${name}>` } });
      return JSON.stringify({ json: r.json, body: r.body, redacted: r.redacted, withheld: r.withheld ?? false, status: r.status }).replaceAll(name, 'NAME');
    };
    const alone = await view('A_ALONE');
    expect(await view('A_SHARED')).toBe(alone);
    expect(await view('A_OVERLAP')).toBe(alone);
    // Still able to call: nothing tripped.
    expect(await view('A_ALONE')).toBe(alone);
  });
});
