// Red team 12: a whole candidate value smuggled past the input tripwire in two task inputs, joined
// by the task's own URL template, and confirmed by what an honest upstream echoes, with no tripwire.
//
// Mechanism: runTask (src/tasks/runner.ts) screens the raw inputs as one JSON text
// (`{"owner":"<first 10>","repo":"<last 10>"}`): no 12-character window of a 20-character value is
// in either string, and no view joins two values of an object, so it passes. bindUrl then writes
// them into the admin's path `/repos/<inputs.owner>/<inputs.repo>` — the value cut once by a slash —
// and Broker.#httpRequest does not screen a task's bound request (`if (options.task)
// refuseIfStopped ... else #screen`), nor the URL the parser made of it (`!options.task &&
// request.target.href !== input.url`). The same path written by the agent in http_request trips the
// wire (the redactor joins groups split by slashes, on input too: checked below). The upstream
// answers 404 quoting the path it was asked for (as GitHub, GitLab and most APIs do); the response
// wall joins the slash-split groups, finds the whole value of OTHER (a secret bound elsewhere, not
// placed by this task) and withholds its unit as `[REDACTED:OTHER]`, which is no tripwire event
// (wall.ts: a whole value is an echo). A wrong candidate comes back as it was sent.
// So an agent holding candidate values (a token from a repository's history, an old value of a
// rotated secret: tombstones are matched too) learns which one the vault holds, as often as it
// likes, never suspended: the round-11 Punycode attack (redteam11-punycode), with a task template
// doing the joining instead of the URL parser. Severity: medium (needs candidates; any task whose
// template puts two inputs side by side, or split by a separator the redactor joins, and whose
// upstream echoes the request in an answer).
// Root cause: src/broker.ts #httpRequest skips #screen for task requests; the bound request (what
// the agent's inputs became) is never put to the tripwire.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBlindfold } from '../../src/index.js';
import { setSecret } from '../helpers/adversarial.js';
import { tempHome, type TempHome } from '../helpers/cli.js';
import { listenOn, type Listening } from '../helpers/upstream.js';

const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 20 characters of base62, a letter beside a digit at every other position (what the group view joins). */
const token = () =>
  [...randomBytes(20)].map((b, i) => (i % 2 ? B62[52 + (b % 10)] : B62[b % 52])).join('');

const OTHER = token();
const KEY = `task-${token()}`;
let up: Listening;
let t: TempHome;

beforeAll(async () => {
  // An honest API: a repository it does not have is a 404 that names the path asked for.
  up = await listenOn(
    createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/repos\//, '');
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no repository ${path}`);
    }),
  );
  t = tempHome();
  await setSecret(t, 'KEY', KEY, '--host', up.url);
  await setSecret(t, 'OTHER', OTHER, '--host', 'https://billing.example.com');
  mkdirSync(join(t.home, 'tasks'), { recursive: true });
  writeFileSync(
    join(t.home, 'tasks', 'get-repo.yaml'),
    `name: get_repo
description: Read a repository of the API.
inputs:
  type: object
  properties:
    owner: {type: string}
    repo: {type: string}
  required: [owner, repo]
steps:
  - kind: http
    method: GET
    url: ${up.url}/repos/<inputs.owner>/<inputs.repo>
    secret_name: KEY
`,
  );
});

afterAll(async () => {
  t.cleanup();
  await up.close();
});

interface Seen {
  view: string;
  tripped: boolean;
}

/** One candidate, split over the two inputs, by a fresh principal; the view with the candidate's own halves blanked. */
async function tryCandidate(principal: string, candidate: string): Promise<Seen> {
  const b = await openBlindfold({ home: t.home, principal });
  try {
    let view: string;
    try {
      const r = await b.runTask('get_repo', { owner: candidate.slice(0, 10), repo: candidate.slice(10) });
      view = JSON.stringify({ ok: r.ok, output: r.output, redacted: r.steps.map((s) => s.redacted) });
    } catch (err) {
      view = `${(err as { code?: string }).code}`;
    }
    view = view.split(candidate.slice(0, 10)).join('<A>').split(candidate.slice(10)).join('<B>');
    let tripped = false;
    try {
      await b.httpRequest({ method: 'GET', url: `${up.url}/after` });
    } catch (err) {
      tripped = (err as { code?: string }).code === 'PRINCIPAL_SUSPENDED';
    }
    return { view, tripped };
  } finally {
    await b.close();
  }
}

describe('redteam12: a candidate split over task inputs that the template joins', () => {
  it('precondition: the same joined path written in http_request trips the wire', async () => {
    const b = await openBlindfold({ home: t.home, principal: 'rt12-join-http' });
    try {
      await b.httpRequest({ method: 'GET', url: `${up.url}/repos/${OTHER.slice(0, 10)}/${OTHER.slice(10)}` }).catch(() => undefined);
      await expect(b.httpRequest({ method: 'GET', url: `${up.url}/after` })).rejects.toMatchObject({ code: 'PRINCIPAL_SUSPENDED' });
    } finally {
      await b.close();
    }
  });

  it('the right candidate gives what a wrong one gives, or trips the wire', async () => {
    const wrong = await tryCandidate('rt12-join-wrong', token());
    const right = await tryCandidate('rt12-join-right', OTHER);
    expect(wrong.tripped).toBe(false);
    // Before a fix: right.view says [REDACTED:OTHER] where wrong.view says "<A>/<B>", nothing tripped.
    if (!right.tripped) expect(right.view === wrong.view, 'the right candidate is told apart from a wrong one, with no tripwire').toBe(true);
  });

  it('candidates are confirmed again and again, never suspended', async () => {
    let confirmed = 0;
    for (let i = 0; i < 4; i++) {
      const right = await tryCandidate(`rt12-join-again-${i}`, OTHER);
      if (!right.tripped && right.view.includes('[REDACTED')) confirmed++;
    }
    expect(confirmed).toBe(0);
  });
});
